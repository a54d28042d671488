// A CommonJS consumer's view of the published types (the "require" condition, index.d.cts).
import torch = require('torchlet');

const p = torch.tensor([1, 2], { requiresGrad: true });
p.grad = torch.tensor([3, 4]);
const total: torch.Tensor = torch.nn.utils.clipGradNorm_([p], 1.0);
const n: number = total.item();
void n;
