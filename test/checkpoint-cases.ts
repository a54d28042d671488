/** The checkpoint files torchlet writes for PyTorch to read (shared by the fixture writer and the test). */
import * as torch from '../src/index.js';

/** File name → bytes, deterministic for a given torchlet version. */
export function torchletCheckpoints(): Record<string, Uint8Array> {
  const a = torch.arange(12).reshape(3, 4);
  const weightsOnly = torch.save({
    weight: a,
    weightT: a.t(),
    row: a.select(0, 1),
    every2: a.slice(1, 0, null, 2),
    scalar: torch.tensor(7),
    empty: torch.zeros(0, 3),
    count: 3,
    negative: -70000,
    big: 2 ** 40,
    name: 'torchlet',
    flags: [true, false, null],
    nested: { list: [torch.tensor([1, 2]), 5] },
  });
  const withFloats = torch.save({
    lr: 0.125,
    betas: [0.9, 0.999],
    values: torch.tensor([0.1, -2.5, 1e-8]),
  });
  const safetensors = torch.safetensors.save(
    { 'fc.weight': torch.arange(6).reshape(2, 3).t(), 'fc.bias': torch.tensor([0.5, -1]) },
    { format: 'pt' },
  );
  return {
    'torchlet-weights-only.pt': weightsOnly,
    'torchlet-floats.pt': withFloats,
    'torchlet.safetensors': safetensors,
  };
}
