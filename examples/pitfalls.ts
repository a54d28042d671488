/**
 * Three classic gradient-clipping mistakes, and what each one does. Run: npx tsx examples/pitfalls.ts
 *
 * The right order in every training step is:
 *   optimizer.zeroGrad() → loss.backward() → clipGradNorm_(...) → optimizer.step()
 */
import * as torch from '../src/index.js';

const inputs = torch.tensor([
  [1.0, 2.0],
  [3.0, 4.0],
]);
const targets = torch.tensor([[1.0], [2.0]]);

function setup() {
  torch.manualSeed(0);
  const model = new torch.nn.Linear(2, 1);
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
  const loss = () => new torch.nn.MSELoss().forward(model.forward(inputs), targets);
  return { model, optimizer, loss };
}

const gradNorm = (model: torch.nn.Module) =>
  Math.sqrt(model.parameters().reduce((s, p) => s + (p.grad ? p.grad.norm().item() ** 2 : 0), 0));

function show(title: string, lines: string[]) {
  console.log(`\n${title}`);
  for (const line of lines) console.log(`  ${line}`);
}

// The correct step, for reference.
{
  const { model, optimizer, loss } = setup();
  optimizer.zeroGrad();
  loss().backward();
  const total = torch.nn.utils.clipGradNorm_(model.parameters(), 1.0);
  optimizer.step();
  show('Correct: backward → clip → step', [
    `norm before clipping ${total.item().toFixed(4)}, after ${gradNorm(model).toFixed(4)}`,
    `weight after the step ${model.weight.data.toString()}`,
  ]);
}

// Mistake 1: clipping before backward(). There are no gradients yet (grad is null after
// zeroGrad), so clipping does nothing and returns 0; backward() then writes the full,
// unclipped gradient, which step() applies.
{
  const { model, optimizer, loss } = setup();
  optimizer.zeroGrad();
  const total = torch.nn.utils.clipGradNorm_(model.parameters(), 1.0);
  loss().backward();
  optimizer.step();
  show('Mistake 1: clip → backward → step', [
    `clipGradNorm_ returned ${total.toString()}: there was nothing to clip`,
    `the step used the unclipped gradient of norm ${gradNorm(model).toFixed(4)}`,
    `weight after the step ${model.weight.data.toString()} (moved too far)`,
  ]);
}

// Mistake 2: clipping after optimizer.step(). The update already used the raw gradient;
// clipping afterwards only changes gradients that are about to be cleared.
{
  const { model, optimizer, loss } = setup();
  optimizer.zeroGrad();
  loss().backward();
  optimizer.step();
  const total = torch.nn.utils.clipGradNorm_(model.parameters(), 1.0);
  show('Mistake 2: backward → step → clip', [
    `clipGradNorm_ saw norm ${total.item().toFixed(4)}, but the step had already used it`,
    `weight after the step ${model.weight.data.toString()} (same as no clipping at all)`,
  ]);
}

// Mistake 3: a maxNorm far below the typical gradient norm. Every step is scaled down to the
// same tiny length, so training crawls (and the clip is really a fixed learning-rate cut).
{
  const { model, optimizer, loss } = setup();
  const start = loss().item();
  let lastTotal = 0;
  for (let i = 0; i < 20; i++) {
    optimizer.zeroGrad();
    loss().backward();
    lastTotal = torch.nn.utils.clipGradNorm_(model.parameters(), 1e-3).item();
    optimizer.step();
  }
  const { model: ref, optimizer: refOpt, loss: refLoss } = setup();
  for (let i = 0; i < 20; i++) {
    refOpt.zeroGrad();
    refLoss().backward();
    torch.nn.utils.clipGradNorm_(ref.parameters(), 1.0);
    refOpt.step();
  }
  show('Mistake 3: maxNorm too small (1e-3)', [
    `loss ${start.toFixed(4)} → ${loss().item().toFixed(4)} after 20 steps (maxNorm 1.0 reaches ${refLoss().item().toFixed(4)})`,
    `gradient norm is still ${lastTotal.toFixed(4)}: every step was cut to length 1e-3`,
  ]);
}
