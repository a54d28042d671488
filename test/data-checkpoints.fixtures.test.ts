/** DataLoader order and checkpoints (both directions) against PyTorch 1.13. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { LoadedValue } from '../src/index.js';
import { expectExact, loadFixture, type JsonTensor, num, type JsonNumber } from './helpers.js';
import { torchletCheckpoints } from './checkpoint-cases.js';

const { DataLoader, TensorDataset, RandomSampler } = torch.utils.data;
const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'checkpoints');
const file = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));

type Described =
  | (JsonTensor & { kind: 'tensor'; stride: number[]; offset: number; requiresGrad: boolean })
  | { kind: 'dict'; items: Array<[string, Described]> }
  | { kind: 'list'; items: Described[] }
  | { kind: 'number'; value: JsonNumber }
  | { kind: 'bigint'; value: string }
  | { kind: 'plain'; value: string | boolean | null };

interface LoaderCase {
  n: number;
  batchSize: number;
  shuffle: boolean;
  dropLast: boolean;
  generatorSeed: number | null;
  seed: number;
  epochs: number[][][];
  length: number;
  randAfter: number[];
}

interface Fixture {
  loaders: LoaderCase[];
  pytorchFiles: Record<string, Described>;
  safetensors: Record<string, { shape: number[]; data: number[] }>;
  torchletFiles: Record<string, Described> & {
    'torchlet.safetensors': {
      metadata: Record<string, string>;
      tensors: Record<string, JsonTensor>;
    };
  };
}

const fx = loadFixture<Fixture>('data_checkpoints.json');

function expectLoaded(actual: LoadedValue, want: Described, path: string): void {
  switch (want.kind) {
    case 'tensor': {
      expect(actual, path).toBeInstanceOf(torch.Tensor);
      const t = actual as torch.Tensor;
      expectExact(t, want, path);
      expect([...t.strides], `${path} strides`).toEqual(want.stride);
      expect(t.offset, `${path} offset`).toBe(want.offset);
      expect(t.requiresGrad, `${path} requiresGrad`).toBe(want.requiresGrad);
      return;
    }
    case 'dict': {
      expect(actual, path).toBeTypeOf('object');
      const obj = actual as Record<string, LoadedValue>;
      expect(Object.keys(obj).sort(), `${path} keys`).toEqual(want.items.map(([k]) => k).sort());
      for (const [k, v] of want.items) expectLoaded(obj[k], v, `${path}.${k}`);
      return;
    }
    case 'list':
      expect(Array.isArray(actual), path).toBe(true);
      expect((actual as LoadedValue[]).length, `${path} length`).toBe(want.items.length);
      want.items.forEach((v, i) => expectLoaded((actual as LoadedValue[])[i], v, `${path}[${i}]`));
      return;
    case 'number':
      expect(actual, path).toBe(num(want.value));
      return;
    case 'bigint':
      expect(actual, path).toBe(BigInt(want.value));
      return;
    case 'plain':
      expect(actual, path).toBe(want.value);
  }
}

describe('DataLoader gives PyTorch batch order for the same seed', () => {
  fx.loaders.forEach((c) => {
    it(`n=${c.n} batch ${c.batchSize} shuffle ${c.shuffle} dropLast ${c.dropLast} generator ${c.generatorSeed} seed ${c.seed}`, () => {
      torch.manualSeed(c.seed);
      const ds = new TensorDataset(torch.arange(c.n).unsqueeze(1).mul(2), torch.arange(c.n));
      const generator =
        c.generatorSeed === null ? null : new torch.Generator().manualSeed(c.generatorSeed);
      const loader = new DataLoader(ds, {
        batchSize: c.batchSize,
        shuffle: c.shuffle,
        dropLast: c.dropLast,
        generator,
      });
      expect(loader.length).toBe(c.length);
      for (const epoch of c.epochs) {
        const got: number[][] = [];
        for (const [xb, yb] of loader) {
          expect([...xb.shape]).toEqual([yb.shape[0], 1]);
          expect(xb.tolist()).toEqual((yb.tolist() as number[]).map((v) => [2 * v]));
          got.push(yb.tolist() as number[]);
        }
        expect(got).toEqual(epoch);
      }
      // The loader consumed exactly PyTorch's draws from the default generator.
      const after = torch.rand(3).toFloat32Array();
      c.randAfter.forEach((v, i) => expect(after[i]).toBe(Math.fround(v)));
    });
  });

  it('accepts arrays, batchSize null, custom samplers and collate functions', () => {
    const loader = new DataLoader([1, 2, 3, 4, 5], { batchSize: 2 });
    expect([...loader].map((b) => b.tolist())).toEqual([[1, 2], [3, 4], [5]]);
    expect([...new DataLoader(['a', 'b'], { batchSize: null })]).toEqual(['a', 'b']);
    const pairs = new DataLoader(
      [
        { x: torch.tensor([1, 2]), y: 0 },
        { x: torch.tensor([3, 4]), y: 1 },
      ],
      { batchSize: 2 },
    );
    const [batch] = [...pairs];
    expect(batch.x.tolist()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(batch.y.tolist()).toEqual([0, 1]);
    const custom = new DataLoader([10, 20, 30], {
      sampler: [2, 0],
      batchSize: 1,
      collateFn: (s: number[]) => s[0] * 2,
    });
    expect([...custom]).toEqual([60, 20]);
    const empty = new DataLoader(new TensorDataset(torch.zeros(4, 3)), {
      batchSampler: [[], [1, 2]],
    });
    const batches = [...empty];
    expect(batches[0][0].shape).toEqual([0, 3]);
    expect(batches[1][0].shape).toEqual([2, 3]);
  });

  it('refuses bad options with messages naming them', () => {
    const ds = new TensorDataset(torch.zeros(4));
    expect(() => new DataLoader(ds, { batch_size: 2 } as never)).toThrow(
      /DataLoader: unknown option 'batch_size' \(did you mean 'batchSize'\?\)/,
    );
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(
      /batchSize should be a positive integer/,
    );
    expect(() => new DataLoader(ds, { batchSize: 1.5 })).toThrow(/option 'batchSize'/);
    expect(() => new DataLoader(ds, { sampler: [0], shuffle: true })).toThrow(/mutually exclusive/);
    expect(() => new DataLoader(42 as never)).toThrow(/DataLoader: dataset must be/);
    expect(() => new TensorDataset(torch.zeros(3), torch.zeros(4))).toThrow(
      /Size mismatch between tensors/,
    );
    expect(() => new RandomSampler(0)).toThrow(/num_samples should be a positive integer value/);
  });
});

describe('load() reads files written by PyTorch', () => {
  for (const [name, want] of Object.entries(fx.pytorchFiles)) {
    it(name, () => {
      expectLoaded(torch.load(file(name)), want, name);
    });
  }

  it('keeps storage sharing between views', () => {
    const v = torch.load(file('mixed.pt')) as Record<string, torch.Tensor>;
    expect(v.transposed._storage).toBe(v.base._storage);
    expect(v.row._storage).toBe(v.base._storage);
    v.base.fill_(1);
    expect(v.transposed.sum().item()).toBe(12);
  });

  it('never runs code: refuses other globals, naming them', () => {
    expect(() => torch.load(file('disallowed-global.pt'))).toThrow(
      /refusing to load 'collections\.Counter'/,
    );
  });

  it('gives clear errors for legacy, truncated and non-checkpoint files', () => {
    expect(() => torch.load(file('legacy-format.pt'))).toThrow(/legacy \(pre-1\.6\) format/);
    const good = file('model-state-dict.pt');
    for (const cut of [10, 100, good.length - 30, good.length - 1]) {
      expect(() => torch.load(good.subarray(0, cut)), `cut at ${cut}`).toThrow(/^load: /);
    }
    expect(() => torch.load(new TextEncoder().encode('hello world'))).toThrow(
      /not a PyTorch checkpoint/,
    );
    expect(() => torch.load('x' as never)).toThrow(/load: expected a Uint8Array/);
  });
});

describe('save() writes files PyTorch reads', () => {
  const written = torchletCheckpoints();
  for (const name of ['torchlet-weights-only.pt', 'torchlet-floats.pt']) {
    it(`${name}: byte-identical to the file PyTorch was checked on, and PyTorch's reading round-trips`, () => {
      expect(Buffer.from(written[name]).equals(Buffer.from(file(name)))).toBe(true);
      expectLoaded(torch.load(written[name]), fx.torchletFiles[name], name);
    });
  }

  it('refuses values it cannot write, naming where they are', () => {
    expect(() => torch.save({ a: [1, () => 2] } as never)).toThrow(
      /save: cannot save function at the root\.a\[1\]/,
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => torch.save(cyclic as never)).toThrow(/cycle/);
    expect(() => torch.save(new Date() as never)).toThrow(/save: cannot save Date/);
  });
});

describe('safetensors', () => {
  it('loads every dtype of a file built from the spec', () => {
    const loaded = torch.safetensors.load(file('pytorch.safetensors'));
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(fx.safetensors).sort());
    for (const [name, want] of Object.entries(fx.safetensors)) {
      expect([...loaded[name].shape], name).toEqual(want.shape);
      expect([...loaded[name].toFloat32Array()], name).toEqual(
        want.data.map((v) => Math.fround(v)),
      );
    }
    expect(torch.safetensors.loadMetadata(file('pytorch.safetensors'))).toEqual({
      format: 'pt',
      note: 'hand-built',
    });
  });

  it('writes files whose header and data PyTorch reads back', () => {
    const bytes = torchletCheckpoints()['torchlet.safetensors'];
    expect(Buffer.from(bytes).equals(Buffer.from(file('torchlet.safetensors')))).toBe(true);
    const want = fx.torchletFiles['torchlet.safetensors'];
    expect(torch.safetensors.loadMetadata(bytes)).toEqual(want.metadata);
    const back = torch.safetensors.load(bytes);
    for (const [name, t] of Object.entries(want.tensors)) expectExact(back[name], t, name);
  });

  it('gives clear errors for malformed files', () => {
    const good = file('pytorch.safetensors');
    expect(() => torch.safetensors.load(good.subarray(0, 4))).toThrow(
      /safetensors\.load: the file has 4 bytes/,
    );
    expect(() => torch.safetensors.load(good.subarray(0, 40))).toThrow(/truncated/);
    expect(() => torch.safetensors.load(good.subarray(0, good.length - 3))).toThrow(
      /outside the .* data section/,
    );
    const bad = good.slice();
    bad[8] = 0x21;
    expect(() => torch.safetensors.load(bad)).toThrow(/not valid JSON/);
    expect(() => torch.safetensors.save({ a: 1 } as never)).toThrow(/'a' must be a Tensor/);
  });
});
