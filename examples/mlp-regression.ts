/**
 * A complete small training loop, written the way a PyTorch user would: fit y = sin(3x) on [-1, 1]
 * with a 1 → 32 → 32 → 1 tanh MLP, SGD with momentum, gradient clipping, a held-out evaluation
 * under noGrad, and a state-dict round trip. Run: npx tsx examples/mlp-regression.ts
 *
 * examples/mlp-regression.py is the PyTorch original: over 301 epochs (2 408 steps) this file prints
 * exactly the same lines as it does under PyTorch 1.13.1 (test/examples.test.ts checks them).
 */
import * as torch from '../src/index.js';

const { nn, optim } = torch;
torch.manualSeed(0);

// Data: 256 training points and 64 held-out points, shaped [N, 1].
const xTrain = torch.rand(256, 1).mul(2).sub(1);
const yTrain = xTrain.mul(3).sin();
const xTest = torch.linspace(-1, 1, 64).unsqueeze(1);
const yTest = xTest.mul(3).sin();

const makeModel = () =>
  new nn.Sequential(
    new nn.Linear(1, 32),
    new nn.Tanh(),
    new nn.Linear(32, 32),
    new nn.Tanh(),
    new nn.Linear(32, 1),
  );
const model = makeModel();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const criterion = new nn.MSELoss();
console.log(model.toString());

for (let epoch = 0; epoch <= 300; epoch++) {
  // Mini-batches of 32 in a new random order each epoch.
  const order = torch.randperm(256).tolist() as number[];
  let last = 0;
  let lastNorm = 0;
  for (let start = 0; start < 256; start += 32) {
    const idx = order.slice(start, start + 32);
    const xb = torch.stack(idx.map((i) => xTrain.select(0, i)));
    const yb = torch.stack(idx.map((i) => yTrain.select(0, i)));
    optimizer.zeroGrad();
    const loss = criterion.forward(model.forward(xb), yb);
    loss.backward();
    lastNorm = torch.nn.utils.clipGradNorm_(model.parameters(), 1.0).item();
    optimizer.step();
    last = loss.item();
  }
  if (epoch % 50 === 0) {
    model.eval();
    const testLoss = torch.noGrad(() => criterion.forward(model.forward(xTest), yTest)).item();
    model.train();
    console.log(
      `epoch ${String(epoch).padStart(3)}  train loss ${last.toFixed(5)}  test loss ${testLoss.toFixed(5)}  grad norm ${lastNorm.toFixed(3)}`,
    );
  }
}

// Save and restore the weights into a fresh model, as with state_dict / load_state_dict.
const copy = makeModel();
copy.loadStateDict(model.stateDict());
const same = torch.noGrad(() => copy.forward(xTest).sub(model.forward(xTest)).abs().max().item());
console.log(`restored model differs by ${same} on the test points`);
console.log(
  `prediction at x = 0.5: ${torch
    .noGrad(() => model.forward(torch.tensor([[0.5]])))
    .item()
    .toFixed(4)} (sin(1.5) = ${Math.sin(1.5).toFixed(4)})`,
);
