// One process that both imports and requires torchlet (and its subpaths) must hold one copy of it:
// one Tensor class (instanceof holds across the two) and one default random generator (manualSeed
// through one reaches the other).
import assert from 'node:assert';
import { createRequire } from 'node:module';
import * as imported from 'torchlet';
import * as importedNn from 'torchlet/nn';
import * as importedOptim from 'torchlet/optim';
import * as importedClipping from 'torchlet/clipping';
import * as importedData from 'torchlet/data';
import * as importedSerialization from 'torchlet/serialization';
import * as importedUtils from 'torchlet/utils';
import * as importedFunctional from 'torchlet/nn/functional';

const require = createRequire(import.meta.url);
const required = require('torchlet');

// One Tensor class.
assert.strictEqual(imported.Tensor, required.Tensor, 'import and require give one Tensor class');
assert.ok(
  required.tensor([1, 2]) instanceof imported.Tensor,
  'a required tensor is an imported Tensor',
);
assert.ok(
  imported.tensor([1, 2]) instanceof required.Tensor,
  'an imported tensor is a required Tensor',
);

// One random generator: seeding through one copy fixes what the other draws.
imported.manualSeed(7);
const a = required.rand(5).tolist();
required.manualSeed(7);
const b = imported.rand(5).tolist();
assert.deepStrictEqual(a, b, 'manualSeed through import reaches require and back');
assert.strictEqual(imported.defaultGenerator, required.defaultGenerator);
required.manualSeed(123);
assert.strictEqual(imported.initialSeed(), 123);

// Every subpath, imported or required, is the same object as the root's namespace member.
const subpaths = [
  ['torchlet/nn', importedNn, (t) => t.nn.Linear, (m) => m.Linear],
  ['torchlet/optim', importedOptim, (t) => t.optim.SGD, (m) => m.SGD],
  ['torchlet/clipping', importedClipping, (t) => t.clipGradNorm_, (m) => m.clipGradNorm_],
  ['torchlet/data', importedData, (t) => t.utils.data.DataLoader, (m) => m.DataLoader],
  ['torchlet/serialization', importedSerialization, (t) => t.load, (m) => m.load],
  ['torchlet/utils', importedUtils, (t) => t.utils.clipGradValue_, (m) => m.clipGradValue_],
  ['torchlet/nn/functional', importedFunctional, (t) => t.nn.functional.relu, (m) => m.relu],
];
for (const [name, importedModule, fromRoot, fromModule] of subpaths) {
  const requiredModule = require(name);
  assert.strictEqual(typeof fromModule(importedModule), 'function', `${name} exports the member`);
  assert.strictEqual(
    fromModule(importedModule),
    fromRoot(required),
    `${name} (import) is the root's`,
  );
  assert.strictEqual(
    fromModule(requiredModule),
    fromRoot(imported),
    `${name} (require) is the root's`,
  );
}

// A layer built through one copy trains with an optimizer and a clipping function from the other.
const model = new importedNn.Linear(2, 1);
const optimizer = new required.optim.SGD(model.parameters(), { lr: 0.1 });
const loss = new required.nn.MSELoss().forward(
  model.forward(required.tensor([[1, 2]])),
  imported.tensor([[1]]),
);
loss.backward();
const total = importedClipping.clipGradNorm_(model.parameters(), 1.0);
assert.ok(total instanceof required.Tensor);
optimizer.step();

console.log('dist one copy (import + require): ok');
