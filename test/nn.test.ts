/** nn.Module, Parameter, layers and losses. */
import { describe, expect, it, onTestFinished } from 'vitest';
import * as torch from '../src/index.js';
import { nn, Tensor } from '../src/index.js';
import { arenaStats } from '../src/tensor/kernels/arena.js';

class TwoLayer extends nn.Module {
  fc1 = new nn.Linear(3, 4);
  act = new nn.Tanh();
  fc2 = new nn.Linear(4, 2);
  scale = new nn.Parameter(torch.ones(1));
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x))).mul(this.scale);
  }
}

describe('nn.Module', () => {
  it('registers assigned parameters and submodules in order, like PyTorch (own parameters first)', () => {
    const m = new TwoLayer();
    expect(m.namedParameters().map(([n]) => n)).toEqual([
      'scale',
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
    expect(m.parameters()).toHaveLength(5);
    expect(m.children()).toHaveLength(3);
    expect(m.modules()).toHaveLength(4);
    expect(m.forward(torch.randn(5, 3)).shape).toEqual([5, 2]);
    expect(m.call(torch.randn(1, 3)).shape).toEqual([1, 2]);
  });

  it('refuses a plain Tensor where a Parameter is registered', () => {
    const m = new nn.Linear(2, 2);
    expect(() => {
      (m as unknown as { weight: Tensor }).weight = torch.ones(2, 2);
    }).toThrow(/cannot assign a plain Tensor as parameter 'weight'/);
  });

  it('zeroGrad sets grads to null by default (PyTorch 2.x), or zeroes them', () => {
    const m = new nn.Linear(2, 1);
    m.forward(torch.ones(1, 2)).sum().backward();
    m.zeroGrad({ setToNone: false });
    expect(m.weight.grad!.tolist()).toEqual([[0, 0]]);
    m.zeroGrad();
    expect(m.weight.grad).toBeNull();
  });

  it('train() and eval() set the flag on every submodule', () => {
    const m = new TwoLayer();
    m.eval();
    expect(m.modules().every((x) => !x.training)).toBe(true);
    m.train();
    expect(m.fc1.training).toBe(true);
  });

  it('stateDict shares memory; loadStateDict copies values and reports problems together', () => {
    const a = new TwoLayer();
    const b = new TwoLayer();
    const sd = a.stateDict();
    expect(Object.keys(sd)).toEqual(['scale', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(sd['fc1.weight'].requiresGrad).toBe(false);
    b.loadStateDict(sd);
    expect(b.fc1.weight.tolist()).toEqual(a.fc1.weight.tolist());
    expect(b.fc1.weight.buffer).not.toBe(a.fc1.weight.buffer);
    const bad = { ...sd, 'fc1.weight': torch.zeros(2, 2), extra: torch.zeros(1) } as Record<
      string,
      Tensor
    >;
    delete bad.scale;
    const before = b.fc1.bias!.tolist();
    expect(() => b.loadStateDict(bad)).toThrow(
      /Error\(s\) in loading state_dict for TwoLayer:\n\tMissing key\(s\) in state_dict: "scale"\.\n\tUnexpected key\(s\) in state_dict: "extra"\.\n\tsize mismatch for fc1\.weight: copying a param with shape \[2, 2\] from checkpoint, the shape in current model is \[4, 3\]\./,
    );
    expect(b.fc1.bias!.tolist()).toEqual(before);
    const { fc1: _drop, ...rest } = { fc1: 0, ...sd };
    void _drop;
    const partial = Object.fromEntries(
      Object.entries(rest).filter(([k]) => k !== 'scale'),
    ) as Record<string, Tensor>;
    expect(b.loadStateDict(partial, { strict: false })).toEqual({
      missingKeys: ['scale'],
      unexpectedKeys: [],
    });
  });

  it('Sequential runs, indexes and prints its modules', () => {
    const s = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Sigmoid());
    expect(s.length).toBe(3);
    expect(s.get(-1)).toBeInstanceOf(nn.Sigmoid);
    expect([...s]).toHaveLength(3);
    expect(s.forward(torch.ones(4, 2)).shape).toEqual([4, 3]);
    expect(() => s.get(3)).toThrow(/out of range/);
    expect(() => new nn.Sequential(3 as unknown as nn.Module)).toThrow(/not a Module/);
  });

  it('Linear validates input shapes and supports bias: false and any leading dims', () => {
    const l = new nn.Linear(3, 2, { bias: false });
    expect(l.bias).toBeNull();
    expect(l.parameters()).toHaveLength(1);
    expect(l.forward(torch.ones(5, 4, 3)).shape).toEqual([5, 4, 2]);
    expect(() => l.forward(torch.ones(2, 4))).toThrow(
      /input shape \[2, 4\] and weight shape \[2, 3\] cannot be multiplied/,
    );
    expect(() => new nn.Linear(-1, 2)).toThrow(/in_features/);
  });
});

describe('losses', () => {
  it('MSELoss reductions match PyTorch (x = [1, 2, 3], y = [1.5, 2, 0])', () => {
    const cases: Array<['mean' | 'sum' | 'none', number | number[], number[]]> = [
      ['mean', 3.0833333, [-0.33333334, 0, 2]],
      ['sum', 9.25, [-1, 0, 6]],
      ['none', [0.25, 0, 9], [-1, 0, 6]],
    ];
    for (const [reduction, loss, grad] of cases) {
      const x = torch.tensor([1, 2, 3], { requiresGrad: true });
      const out = new nn.MSELoss({ reduction }).forward(x, torch.tensor([1.5, 2, 0]));
      if (typeof loss === 'number') expect(out.item()).toBeCloseTo(loss, 6);
      else expect(out.tolist()).toEqual(loss);
      out.sum().backward();
      (x.grad!.tolist() as number[]).forEach((g, i) => expect(g).toBeCloseTo(grad[i], 6));
    }
  });

  it('rejects unknown reductions and warns on broadcasting shape mismatches', () => {
    expect(() => new nn.MSELoss({ reduction: 'avg' as 'mean' })).toThrow(
      'avg is not a valid value for reduction',
    );
    const warnings: string[] = [];
    const orig = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      const out = new nn.MSELoss({ reduction: 'none' }).forward(torch.ones(3, 1), torch.zeros(3));
      expect(out.shape).toEqual([3, 3]);
    } finally {
      console.warn = orig;
    }
    expect(warnings[0]).toMatch(
      /Using a target size \(\[3\]\) that is different to the input size \(\[3, 1\]\)/,
    );
  });

  it('MSELoss of empty tensors: mean is NaN, sum is 0', () => {
    expect(Number.isNaN(new nn.MSELoss().forward(torch.zeros(0), torch.zeros(0)).item())).toBe(
      true,
    );
    expect(
      new nn.MSELoss({ reduction: 'sum' }).forward(torch.zeros(0), torch.zeros(0)).item(),
    ).toBe(0);
  });

  it('MSELoss keeps the bits of float32 squares summed in float64 in index order', () => {
    // Large enough for the arena's SIMD kernels, with a broadcast target (its warning silenced)
    // and a strided input.
    const warn = console.warn;
    console.warn = () => {};
    onTestFinished(() => {
      console.warn = warn;
    });
    for (const [xShape, yShape, transpose] of [
      [[1000, 1100], [1000, 1100], false],
      [[700, 900], [900], false],
      [[900, 700], [900, 700], true],
    ] as const) {
      const x0 = torch.randn(...xShape).mul(3);
      const x = transpose ? x0.t() : x0;
      const y = torch.randn(...(transpose ? [yShape[1], yShape[0]] : yShape));
      const d = x.sub(y).contiguous().toFloat32Array();
      const squares = d.map((v) => v * v);
      let s = 0;
      for (const v of squares) s += v;
      const F = torch.nn.functional;
      expect(F.mseLoss(x, y, { reduction: 'sum' }).item()).toBe(Math.fround(s));
      expect(F.mseLoss(x, y).item()).toBe(Math.fround(s / squares.length));
      const none = F.mseLoss(x, y, { reduction: 'none' });
      const got = new Int32Array(none.contiguous().toFloat32Array().buffer);
      const want = new Int32Array(squares.buffer);
      expect(got.findIndex((v, i) => v !== want[i])).toBe(-1);
    }
  });

  it('MSELoss without a graph leaves no arena block behind once its output is disposed', () => {
    const x = torch.randn(512, 512);
    const y = torch.randn(512, 512);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      torch.nn.functional.mseLoss(x, y, { reduction }).dispose();
      const before = arenaStats().liveBlocks;
      for (let i = 0; i < 4; i++) torch.nn.functional.mseLoss(x, y, { reduction }).dispose();
      expect(arenaStats().liveBlocks).toBe(before);
    }
    // With a graph the difference is saved for backward and stays.
    const w = x.clone().requiresGrad_();
    const loss = torch.nn.functional.mseLoss(w, y);
    loss.backward();
    expect(w.grad!.shape).toEqual([512, 512]);
  });

  it('L1Loss', () => {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    const out = new nn.L1Loss().forward(x, torch.tensor([1.5, 2, 0]));
    expect(out.item()).toBeCloseTo(3.5 / 3, 6);
  });
});

describe('nllLoss gradient coefficients', () => {
  it("scale only the targets' places, and keep every other element's bits", () => {
    const F = torch.nn.functional;
    const bits = (t: Tensor) => Array.from(new Uint32Array(t.toFloat32Array().buffer));
    const classes = 7;
    const targets = [0, 3, -100, 6, 3, 1, 2, -100, 5, 4];
    for (const weights of [
      null,
      [0.5, 1, 2, 0.25, 3, 1.5, 0.75],
      [-1, -2, -0.5, -3, -1, -0.25, -4],
    ]) {
      const x = torch.randn(targets.length, classes).requiresGrad_();
      const weight = weights === null ? null : torch.tensor(weights);
      F.nllLoss(x, torch.tensor(targets), { weight }).backward();
      // The loop the kernel stands in for: -w_c at each target, every element times 1/Σw.
      let total = 0;
      for (const c of targets) if (c !== -100) total += weights === null ? 1 : weights[c]!;
      const scale = Math.fround(1 / total);
      const want = new Float32Array(targets.length * classes);
      targets.forEach((c, n) => {
        if (c !== -100) want[n * classes + c] = -(weights === null ? 1 : weights[c]!);
      });
      for (let i = 0; i < want.length; i++) want[i] *= scale;
      expect(bits(x.grad!)).toEqual(Array.from(new Uint32Array(want.buffer)));
    }
  });
});

describe('normalization without a graph', () => {
  it('gives its intermediate tensors back: no arena block stays once the output is disposed', () => {
    const F = torch.nn.functional;
    const x = torch.randn(64, 16, 32);
    const w = torch.randn(32);
    const b = torch.randn(32);
    const cw = torch.randn(16);
    const mean = torch.zeros(16);
    const variance = torch.ones(16);
    const calls = [
      () => F.layerNorm(x, [32], w, b),
      () => F.layerNorm(x, [16, 32]),
      () => F.batchNorm(x, null, null, { training: true, weight: cw, bias: cw }),
      () => F.batchNorm(x, mean, variance, { weight: cw }),
    ];
    for (const call of calls) {
      call().dispose();
      const before = arenaStats().liveBlocks;
      for (let i = 0; i < 3; i++) call().dispose();
      expect(arenaStats().liveBlocks).toBe(before);
    }
  });
});

describe('nn.init', () => {
  it('matches the PyTorch formulas and rejects 1-D fan computation', () => {
    expect(nn.init.calculateGain('relu')).toBe(Math.SQRT2);
    expect(nn.init.calculateGain('tanh')).toBeCloseTo(5 / 3);
    expect(nn.init.calculateFanInAndFanOut(torch.zeros(4, 3, 2))).toEqual([6, 8]);
    expect(() => nn.init.calculateFanInAndFanOut(torch.zeros(3))).toThrow(
      /fewer than 2 dimensions/,
    );
    const w = torch.zeros(100, 50);
    nn.init.kaimingUniform_(w, { a: Math.sqrt(5) });
    expect(w.abs().max().item()).toBeLessThanOrEqual(1 / Math.sqrt(50));
  });
});

describe('nn.init fillers', () => {
  it('zeros_, ones_, constant_ fill in place without recording a graph', () => {
    const w = new nn.Parameter(torch.rand(2, 3));
    nn.init.ones_(w);
    expect(w.tolist()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    nn.init.zeros_(w);
    expect(w.sum().item()).toBe(0);
    nn.init.constant_(w, 2.5);
    expect(w.mean().item()).toBe(2.5);
    expect(w.isLeaf).toBe(true);
  });
});
