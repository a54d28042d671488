// The built ES module entry, imported by package name (package.json "exports"): run the clipping path.
import assert from 'node:assert';
import * as torch from 'torchlet';
import { clipGradNorm_, tensor } from 'torchlet';

const p = tensor([1, 2], { requiresGrad: true });
p.grad = tensor([3, 4]);
const total = clipGradNorm_([p], 1.0);
assert.strictEqual(total.item(), 5);
assert.ok(Math.abs(p.grad.norm().item() - 1) < 1e-6);
assert.strictEqual(typeof torch.nn.Linear, 'function');
console.log('dist ES module: ok');
