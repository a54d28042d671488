// The built CommonJS entry, required by package name (package.json "exports"): run the clipping path.
const assert = require('node:assert');
const torch = require('torchlet');

const p = torch.tensor([1, 2], { requiresGrad: true });
p.grad = torch.tensor([3, 4]);
const total = torch.nn.utils.clipGradNorm_([p], 1.0);
assert.strictEqual(total.item(), 5);
assert.ok(Math.abs(p.grad.norm().item() - 1) < 1e-6);
assert.strictEqual(typeof torch.optim.SGD, 'function');
console.log('dist CommonJS: ok');
