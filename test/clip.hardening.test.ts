/**
 * The foreach layer under clipping, and clipping's hardening: NaN clip values, expanded gradients,
 * checked options, errors that name function/argument/value, and nothing changed after an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor, clipping } from '../src/index.js';
import {
  foreachAdd_,
  foreachClamp_,
  foreachMul_,
  foreachNorm,
  foreachZero_,
  mulUnits_,
  unitNorms,
} from '../src/ops/foreach.js';
import { expectClose, loadFixture, type JsonTensor } from './helpers.js';

const fx = loadFixture<{
  clipGradValueNaN: { after: JsonTensor };
  expandedGrad: { raised: boolean; message: string };
}>('clipping.json');

beforeAll(() => clipping.setPitfallWarnings('off'));
afterAll(() => clipping.setPitfallWarnings('warn'));

const u = torch.nn.utils;

function withGrad(grad: Tensor): Tensor {
  const p = torch.zeros(grad.shape as number[], { requiresGrad: true });
  p.grad = grad;
  return p;
}

describe('foreach layer', () => {
  it('foreachNorm is t.norm(p) bit for bit, any layout', () => {
    torch.manualSeed(0);
    const ts = [
      torch.randn(7, 5),
      torch.randn(5, 7).t(),
      torch.randn(3),
      torch.randn([]),
      torch.randn(2, 3, 4).permute(2, 0, 1),
      torch.zeros(0),
    ];
    for (const p of [2, 1, 3, 0.5, Infinity, -Infinity, 0]) {
      const list = p === Infinity || p < 0 ? ts.slice(0, 5) : ts;
      const got = foreachNorm(list, p);
      list.forEach((t, i) => expect(got[i]).toBe(t.norm(p).item()));
    }
    expect(() => foreachNorm([torch.zeros(0)], Infinity)).toThrow(/no.*identity|identity/);
  });

  it('foreachMul_ and foreachClamp_ write through views and bump the version once per tensor', () => {
    const base = torch.arange(12).reshape(3, 4);
    const view = base.t();
    const v0 = base._storage.version;
    foreachMul_([view], 2);
    expect(base._storage.version).toBe(v0 + 1);
    expect((base.tolist() as number[][])[2]).toEqual([16, 18, 20, 22]);
    foreachClamp_([view], -1, 5);
    expect((base.tolist() as number[][])[0]).toEqual([0, 2, 4, 5]);
    foreachMul_([torch.ones(2), torch.ones(3)], [2, 3]);
    expect(() => foreachMul_([torch.ones(2)], [1, 2])).toThrow(RangeError);
  });

  it('a NaN bound makes everything NaN (PyTorch clamp)', () => {
    const t = torch.tensor([1, -2, 3]);
    foreachClamp_([t], -NaN, NaN);
    expect(t.tolist()).toEqual([NaN, NaN, NaN]);
  });

  it('unitNorms / mulUnits_ work per first-dim slice, any layout', () => {
    const w = torch
      .tensor([
        [3, 4],
        [0, 1],
      ])
      .t(); // rows [3,0] and [4,1]
    expect([...unitNorms(w)]).toEqual([3, Math.fround(Math.sqrt(17))]);
    mulUnits_(w, [1, 2]);
    expect(w.tolist()).toEqual([
      [3, 0],
      [8, 2],
    ]);
    expect([...unitNorms(torch.tensor([3, 4]))]).toEqual([5]);
  });

  it('foreachAdd_ is add_(other, { alpha }) for every pair, any layout', () => {
    torch.manualSeed(2);
    const a = torch.randn(3, 4);
    const b = torch.randn(4, 3).t();
    const x = torch.randn(3, 4);
    const y = torch.randn(3, 4).t().contiguous().t();
    // One fused multiply-add per element, rounded once to float32, whatever the layouts.
    const fused = (t: Tensor, o: Tensor) => {
      const ov = o.toFloat32Array();
      return [...t.toFloat32Array()].map((v, i) => Math.fround(v + 0.3 * ov[i]));
    };
    const want = [fused(a, x), fused(b, y)];
    const v = b._storage.version;
    foreachAdd_([a, b], [x, y], 0.3);
    expect([...a.toFloat32Array()]).toEqual(want[0]);
    expect([...b.toFloat32Array()]).toEqual(want[1]);
    expect(b._storage.version).toBe(v + 1);
    expect(() => foreachAdd_([a], [torch.ones(4, 3)])).toThrow(/shape \[3, 4\] but its partner/);
    expect(() => foreachAdd_([a], [])).toThrow(RangeError);
  });

  it('foreachZero_ clears NaN and infinities too, through views', () => {
    const base = torch.tensor([
      [NaN, Infinity],
      [1, -2],
    ]);
    foreachZero_([base.t()]);
    expect(base.tolist()).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('refuses expanded tensors before writing anything', () => {
    const ok = torch.ones(2);
    expect(() => foreachMul_([ok, torch.tensor(3).expand(4)], 2)).toThrow(/expanded/);
    expect(ok.tolist()).toEqual([1, 1]);
  });
});

describe('hardening of the PyTorch clipping functions', () => {
  it('clipGradValue_(ps, NaN) makes the gradients NaN, as PyTorch', () => {
    const p = withGrad(torch.tensor([1, -2, NaN]));
    u.clipGradValue_([p], NaN);
    expectClose(p.grad, fx.clipGradValueNaN.after);
  });

  it('clipGradNorm_ refuses an expanded .grad as PyTorch does, changing nothing', () => {
    expect(fx.expandedGrad.raised).toBe(true);
    const ok = withGrad(torch.tensor([30, 40]));
    const p = withGrad(torch.tensor(3).expand(4));
    for (const run of [
      () => u.clipGradNorm_([ok, p], 1),
      () => u.clipGradValue_([ok, p], 1),
      () => u.clipGradsWithNorm_([ok, p], 1, 50),
    ]) {
      expect(run).toThrow(/parameter 1 .*expanded tensor/);
      expect(ok.grad!.tolist()).toEqual([30, 40]);
      expect(p.grad!.tolist()).toEqual([3, 3, 3, 3]);
    }
  });

  it('options are checked: unknown keys name the key and suggest camelCase', () => {
    const p = withGrad(torch.tensor([3, 4]));
    expect(() => u.clipGradNorm_([p], 1, { norm_type: 2 } as never)).toThrow(TypeError);
    expect(() => u.clipGradNorm_([p], 1, { norm_type: 2 } as never)).toThrow(
      "clipGradNorm_: unknown option 'norm_type' (did you mean 'normType'?)",
    );
    expect(() => u.clipGradNorm_([p], 1, { errorIfNonfinite: 1 } as never)).toThrow(
      /clipGradNorm_: option 'errorIfNonfinite' must be boolean, got/,
    );
    expect(() => u.clipGradValue_([p], 1, { for_each: true } as never)).toThrow(
      /clipGradValue_: unknown option 'for_each'/,
    );
    expect(p.grad!.tolist()).toEqual([3, 4]);
  });

  it('every bad argument names the function, the argument and the value', () => {
    const p = withGrad(torch.tensor([3, 4]));
    const cases: Array<[() => unknown, RegExp]> = [
      [
        () => u.clipGradNorm_([p], '1' as never),
        /clipGradNorm_: maxNorm must be a number, got the string '1'/,
      ],
      [
        () => u.clipGradNorm_([p], 1, 'two' as never),
        /clipGradNorm_: normType must be a number.*'two'/,
      ],
      [
        () => u.clipGradNorm_([p], 1, 2, 'yes' as never),
        /clipGradNorm_: errorIfNonfinite must be a boolean/,
      ],
      [
        () => u.clipGradNorm_(5 as never, 1),
        /clipGradNorm_: parameters must be a Tensor or an iterable of Tensors, got/,
      ],
      [() => u.clipGradNorm_([p, 7] as never, 1), /clipGradNorm_: element 1 of parameters is/],
      [
        () => u.clipGradValue_([p], null as never),
        /clipGradValue_: clipValue must be a number, got null/,
      ],
      [
        () => u.clipGradsWithNorm_([p], 1, 'x' as never),
        /clipGradsWithNorm_: totalNorm must be a number/,
      ],
      [
        () => u.getTotalNorm([p.grad!], 2, 'no' as never),
        /getTotalNorm: errorIfNonfinite must be a boolean/,
      ],
      [() => clipping.gradNorms(null as never), /gradNorms: moduleOrParameters must be/],
    ];
    for (const [run, message] of cases) expect(run).toThrow(message);
    expect(p.grad!.tolist()).toEqual([3, 4]);
  });

  it('a non-finite total with errorIfNonfinite throws before any gradient changes', () => {
    const a = withGrad(torch.tensor([1, 2]));
    const b = withGrad(torch.tensor([Infinity, 2]));
    expect(() => u.clipGradNorm_([a, b], 1, { errorIfNonfinite: true })).toThrow(/non-finite/);
    expect(a.grad!.tolist()).toEqual([1, 2]);
  });

  it('non-contiguous gradients clip in their own layout (and match contiguous ones)', () => {
    torch.manualSeed(4);
    const g = torch.randn(6, 5);
    const a = withGrad(g.clone());
    const b = withGrad(g.t().contiguous().t());
    const ta = u.clipGradNorm_([a], 0.5).item();
    const tb = u.clipGradNorm_([b], 0.5).item();
    expect(tb).toBe(ta);
    expect(b.grad!.tolist()).toEqual(a.grad!.tolist());
  });

  it('a gradient written by clipping fails a backward that saved it (version bump)', () => {
    const p = withGrad(torch.tensor([3, 4]));
    const x = torch.tensor([1, 1], { requiresGrad: true });
    const y = x.mul(p.grad!).sum();
    u.clipGradNorm_([p], 1);
    expect(() => y.backward()).toThrow();
  });
});
