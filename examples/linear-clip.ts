/**
 * The PyTorch program below, ported line by line; it prints the same numbers.
 *
 *   torch.manual_seed(0)
 *   model = nn.Linear(2, 1); optimizer = optim.SGD(model.parameters(), lr=0.1)
 *   inputs = torch.tensor([[1.0, 2.0], [3.0, 4.0]]); targets = torch.tensor([[1.0], [2.0]])
 *   loss = nn.MSELoss()(model(inputs), targets); loss.backward()
 *   total = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
 *   optimizer.step()
 */
import * as torch from '../src/index.js';

torch.manualSeed(0);
const model = new torch.nn.Linear(2, 1);
const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
const inputs = torch.tensor([
  [1.0, 2.0],
  [3.0, 4.0],
]);
const targets = torch.tensor([[1.0], [2.0]]);

const criterion = new torch.nn.MSELoss();
const loss = criterion.forward(model.forward(inputs), targets);
loss.backward();

const total = torch.nn.utils.clipGradNorm_(model.parameters(), 1.0);
console.log(`Total gradient norm before clipping: ${total.toString()}`);

// Recompute the norm from the clipped gradients, as p.grad.data.norm(2) would.
let sumOfSquares = 0;
for (const p of model.parameters()) sumOfSquares += p.grad!.data.norm(2).item() ** 2;
console.log(`Total gradient norm after clipping: ${Math.sqrt(sumOfSquares).toFixed(4)}`);

optimizer.step();
console.log(`weight: ${model.weight.data.toString()}`);
console.log(`bias: ${model.bias!.data.toString()}`);
