// A consumer's view of the published types: imports the package by name (self-reference through
// package.json "exports"), under NodeNext resolution and strict mode. Type-checked, not run.
import * as torch from 'torchlet';
import { clipGradNorm_, nn, optim, tensor, type Tensor } from 'torchlet';

torch.manualSeed(0);
const model: nn.Linear = new nn.Linear(2, 1);
const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const loss: Tensor = new nn.MSELoss({ reduction: 'mean' }).forward(
  model.forward(tensor([[1, 2]])),
  tensor([[1]]),
);
loss.backward();
const total: Tensor = clipGradNorm_(model.parameters(), 1.0, {
  normType: Infinity,
  errorIfNonfinite: true,
});
torch.utils.clipGradValue_(model.parameters(), 0.5);
torch.nn.utils.clipGradsWithNorm_(model.parameters(), 1.0, torch.nn.utils.getTotalNorm([total]));
optimizer.step();
optimizer.zeroGrad({ setToNone: true });
const v: number = total.item();
const grad: Tensor | null = model.weight.grad;
void [v, grad];

// Every subpath resolves, with types, and shares the root's classes.
import { Linear as SubpathLinear } from 'torchlet/nn';
import { relu } from 'torchlet/nn/functional';
import { SGD as SubpathSGD } from 'torchlet/optim';
import { clipGradNorm_ as subpathClip, clipping } from 'torchlet/clipping';
import { DataLoader, TensorDataset } from 'torchlet/data';
import { load, save, safetensors } from 'torchlet/serialization';
import { clipGradValue_ } from 'torchlet/utils';

const layer: nn.Linear = new SubpathLinear(2, 2);
const activated: Tensor = relu(layer.forward(tensor([[1, -2]])));
new SubpathSGD(layer.parameters(), { lr: 0.01 });
const clipped: Tensor = subpathClip(layer.parameters(), 1);
clipGradValue_(layer.parameters(), 1);
const loader = new DataLoader(new TensorDataset(tensor([[1], [2]])), { batchSize: 1 });
void [activated, clipped, clipping, loader, load, save, safetensors];
