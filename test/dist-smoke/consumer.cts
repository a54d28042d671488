// A CommonJS consumer's view of the published types (the "require" condition, index.d.cts).
import torch = require('torchlet');

const p = torch.tensor([1, 2], { requiresGrad: true });
p.grad = torch.tensor([3, 4]);
const total: torch.Tensor = torch.nn.utils.clipGradNorm_([p], 1.0);
const n: number = total.item();
void n;

// Subpaths under require, with the .d.cts types.
import nnModule = require('torchlet/nn');
import optimModule = require('torchlet/optim');
import clippingModule = require('torchlet/clipping');

const layer: torch.nn.Linear = new nnModule.Linear(2, 1);
new optimModule.SGD(layer.parameters(), { lr: 0.1 });
const clippedTotal: torch.Tensor = clippingModule.clipGradNorm_(layer.parameters(), 1);
void clippedTotal;
