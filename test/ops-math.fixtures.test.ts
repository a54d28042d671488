/**
 * The math ops (unary, binary, scans, logic, sorting) against PyTorch: forward values, gradients
 * for a fixed upstream gradient, second derivatives, errors, and tie order on random tie-heavy
 * lanes, from test/fixtures/ops_math.json (made by scripts/fixtures/ops_math.py).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import {
  expectClose,
  expectExact,
  fromJson,
  loadFixture,
  num,
  type JsonNumber,
  type JsonTensor,
} from './helpers.js';

type Kwargs = Record<string, unknown>;
type OpFn = (inputs: Tensor[], k: Kwargs) => Tensor | Tensor[];
type View = { kind: 't' } | { kind: 'step2' } | { kind: 'expand'; shape: number[] } | null;

interface OpCase {
  name: string;
  op: string;
  inputs: JsonTensor[];
  views: View[];
  kwargs: Kwargs;
  outputs: JsonTensor[];
  gradOutput?: JsonTensor;
  grads?: Array<JsonTensor | null>;
}

interface DoubleCase {
  name: string;
  op: string;
  kwargs: Kwargs;
  inputs: JsonTensor[];
  gradOutput: JsonTensor;
  vs: JsonTensor[];
  firstGrads: Array<JsonTensor | null>;
  secondGrads: JsonTensor[];
}

interface ErrorCase {
  name: string;
  op: string;
  inputs: JsonTensor[];
  kwargs: Kwargs;
  error: string;
}

interface TieLane {
  x: JsonNumber[];
  k: number;
  largest: boolean;
  sorted: boolean;
  kk: number;
  topk: number[];
  kthvalue: number;
  median: number;
  mode: number;
  modeValue: JsonNumber;
}

interface Fixture {
  meta: { torch: string };
  cases: OpCase[];
  double: DoubleCase[];
  errors: ErrorCase[];
  ties: TieLane[];
  uniqueNan: { input: JsonTensor; values: JsonTensor; inverse: JsonTensor; counts: JsonTensor };
}

const fx = loadFixture<Fixture>('ops_math.json');
const n = (v: unknown): number => num(v as JsonNumber);
const opt = <T>(v: unknown): T | undefined => (v === undefined ? undefined : (v as T));
const pair = (r: torch.ValuesIndices): Tensor[] => [r.values, r.indices];

const unary =
  (f: (x: Tensor) => Tensor): OpFn =>
  ([a]) =>
    f(a);

/** torchlet's spelling of each op in the fixture script's table. */
const OPS: Record<string, OpFn> = {
  sin: unary((x) => x.sin()),
  cos: unary((x) => x.cos()),
  tan: unary((x) => x.tan()),
  asin: unary((x) => x.asin()),
  acos: unary((x) => x.acos()),
  atan: unary((x) => x.atan()),
  sinh: unary((x) => x.sinh()),
  cosh: unary((x) => x.cosh()),
  tanh: unary((x) => x.tanh()),
  asinh: unary((x) => x.asinh()),
  acosh: unary((x) => x.acosh()),
  atanh: unary((x) => x.atanh()),
  log2: unary((x) => x.log2()),
  log10: unary((x) => x.log10()),
  log1p: unary((x) => x.log1p()),
  exp2: unary((x) => x.exp2()),
  expm1: unary((x) => x.expm1()),
  floor: unary((x) => x.floor()),
  ceil: unary((x) => x.ceil()),
  trunc: unary((x) => x.trunc()),
  frac: unary((x) => x.frac()),
  sign: unary((x) => x.sign()),
  reciprocal: unary((x) => x.reciprocal()),
  square: unary((x) => torch.square(x)),
  erf: unary((x) => x.erf()),
  erfinv: unary((x) => x.erfinv()),
  sigmoid: unary((x) => x.sigmoid()),
  round: ([a], k) => (k.decimals === undefined ? a.round() : a.round({ decimals: n(k.decimals) })),
  logit: ([a], k) => (k.eps === undefined ? a.logit() : torch.logit(a, n(k.eps))),
  remainder: ([a, b]) => a.remainder(b),
  fmod: ([a, b]) => torch.fmod(a, b),
  atan2: ([a, b]) => a.atan2(b),
  hypot: ([a, b]) => torch.hypot(a, b),
  floor_divide: ([a, b]) => a.floorDivide(b),
  remainder_scalar: ([a], k) => torch.remainder(a, n(k.s)),
  fmod_scalar: ([a], k) => a.fmod(n(k.s)),
  rremainder_scalar: ([a], k) => torch.remainder(n(k.s), a),
  floor_divide_scalar: ([a], k) => torch.floorDivide(a, n(k.s)),
  div_mode: ([a, b], k) => a.div(b, { roundingMode: k.mode as 'trunc' | 'floor' }),
  div_mode_scalar: ([a], k) => torch.div(a, n(k.s), { roundingMode: k.mode as 'trunc' | 'floor' }),
  lerp_scalar: ([a, b], k) => a.lerp(b, n(k.w)),
  lerp: ([a, b, w]) => torch.lerp(a, b, w),
  clamp_min: ([a], k) => a.clampMin(n(k.v)),
  clamp_max: ([a], k) => torch.clampMax(a, n(k.v)),
  clamp_min_tensor: ([a, b]) => torch.clampMin(a, b),
  clamp_max_tensor: ([a, b]) => a.clampMax(b),
  cumsum: ([a], k) => a.cumsum(n(k.dim)),
  cumprod: ([a], k) => torch.cumprod(a, n(k.dim)),
  logcumsumexp: ([a], k) => a.logcumsumexp(n(k.dim)),
  cummax: ([a], k) => pair(a.cummax(n(k.dim))),
  cummin: ([a], k) => pair(torch.cummin(a, n(k.dim))),
  all: ([a], k) => (k.dim === undefined ? a.all() : a.all(n(k.dim), opt<boolean>(k.keepdim))),
  any: ([a], k) =>
    k.dim === undefined ? torch.any(a) : torch.any(a, { dim: n(k.dim), keepdim: !!k.keepdim }),
  isclose: ([a, b], k) =>
    a.isclose(b, {
      rtol: k.rtol === undefined ? undefined : n(k.rtol),
      atol: k.atol === undefined ? undefined : n(k.atol),
      equalNan: opt<boolean>(k.equalNan),
    }),
  median: ([a], k) =>
    k.dim === undefined ? a.median() : pair(a.median(n(k.dim), opt<boolean>(k.keepdim))),
  mode: ([a], k) =>
    pair(k.dim === undefined ? a.mode() : torch.mode(a, n(k.dim), { keepdim: !!k.keepdim })),
  sort: ([a], k) =>
    pair(
      k.descending === undefined
        ? a.sort(opt<number>(k.dim))
        : a.sort({ dim: opt<number>(k.dim), descending: !!k.descending }),
    ),
  argsort: ([a], k) => a.argsort(opt<number>(k.dim), opt<boolean>(k.descending)),
  topk: ([a], k) =>
    k.largest === undefined && k.sorted === undefined
      ? pair(a.topk(n(k.k), opt<number>(k.dim)))
      : pair(
          torch.topk(a, n(k.k), {
            dim: opt<number>(k.dim),
            largest: opt<boolean>(k.largest),
            sorted: opt<boolean>(k.sorted),
          }),
        ),
  kthvalue: ([a], k) =>
    pair(a.kthvalue(n(k.k), opt<number>(k.dim) ?? -1, opt<boolean>(k.keepdim) ?? false)),
  unique: ([a], k) => {
    const r = a.unique({
      sorted: opt<boolean>(k.sorted),
      returnInverse: opt<boolean>(k.returnInverse),
      returnCounts: opt<boolean>(k.returnCounts),
      dim: opt<number>(k.dim),
    });
    return Array.isArray(r) ? [...r] : r;
  },
};

function viewOf(leaf: Tensor, view: View): Tensor {
  if (view === null) return leaf;
  if (view.kind === 't') return leaf.t();
  if (view.kind === 'step2') return leaf.slice(1, null, null, 2);
  return leaf.expand(view.shape);
}

const asList = (out: Tensor | Tensor[]): Tensor[] => (Array.isArray(out) ? out : [out]);

/** Ops whose results are exact integers, indices or 0/1: compared bit for bit. */
const EXACT = new Set([
  'floor',
  'ceil',
  'trunc',
  'sign',
  'round',
  'floor_divide',
  'floor_divide_scalar',
  'div_mode',
  'div_mode_scalar',
  'all',
  'any',
  'isclose',
  'median',
  'mode',
  'sort',
  'argsort',
  'topk',
  'kthvalue',
  'unique',
  'cummax',
  'cummin',
  'clamp_min',
  'clamp_max',
  'clamp_min_tensor',
  'clamp_max_tensor',
  'remainder',
  'fmod',
  'remainder_scalar',
  'fmod_scalar',
  'rremainder_scalar',
]);

/** Tolerances for transcendental ops near their poles or huge values. */
const TOL: Record<string, { rtol: number; atol: number }> = {
  erfinv: { rtol: 2e-5, atol: 1e-6 },
  logcumsumexp: { rtol: 2e-5, atol: 1e-5 },
  cumprod: { rtol: 2e-5, atol: 1e-5 },
};

describe(`math ops match PyTorch ${fx.meta.torch}`, () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const leaves = c.inputs.map((t) => fromJson(t, c.grads !== undefined));
      const inputs = leaves.map((leaf, i) => viewOf(leaf, c.views[i] ?? null));
      const fn = OPS[c.op];
      expect(fn, `no torchlet spelling for ${c.op}`).toBeDefined();
      const outs = asList(fn(inputs, c.kwargs));
      expect(outs.length, 'number of outputs').toBe(c.outputs.length);
      const tol = TOL[c.op] ?? {};
      outs.forEach((o, i) => {
        if (EXACT.has(c.op) || i > 0) expectExact(o, c.outputs[i], `${c.name} output ${i}`);
        else expectClose(o, c.outputs[i], tol, `${c.name} output ${i}`);
      });
      if (c.gradOutput && c.grads) {
        outs[0].backward(fromJson(c.gradOutput));
        c.grads.forEach((g, i) =>
          expectClose(leaves[i].grad, g, { rtol: 1e-4, atol: 1e-5 }, `${c.name} grad ${i}`),
        );
      }
    });
  }
});

describe('second derivatives (createGraph) match PyTorch', () => {
  for (const c of fx.double) {
    it(c.name, () => {
      const leaves = c.inputs.map((t) => fromJson(t, true));
      const y = asList(OPS[c.op](leaves, c.kwargs))[0];
      y.mul(fromJson(c.gradOutput)).sum().backward(undefined, { createGraph: true });
      const first = leaves.map((l) => l.grad);
      c.firstGrads.forEach((g, i) =>
        expectClose(first[i], g, { rtol: 1e-4, atol: 1e-5 }, `${c.name} first ${i}`),
      );
      leaves.forEach((l) => (l.grad = null));
      let total: Tensor | null = null;
      first.forEach((g, i) => {
        if (g === null || !g.requiresGrad) return;
        const term = g.mul(fromJson(c.vs[i])).sum();
        total = total === null ? term : total.add(term);
      });
      if (total !== null) (total as Tensor).backward();
      c.secondGrads.forEach((g, i) =>
        expectClose(
          leaves[i].grad ?? torch.zerosLike(leaves[i]),
          g,
          { rtol: 1e-3, atol: 1e-4 },
          `${c.name} second ${i}`,
        ),
      );
    });
  }
});

describe('math ops reject what PyTorch rejects', () => {
  for (const c of fx.errors) {
    it(`${c.name} (PyTorch: ${c.error})`, () => {
      const inputs = c.inputs.map((t) => fromJson(t));
      expect(() => OPS[c.op](inputs, c.kwargs)).toThrow();
    });
  }
});

describe('tie and NaN order on random tie-heavy lanes matches PyTorch exactly', () => {
  it(`${fx.ties.length} lanes: topk, kthvalue, median and mode indices`, () => {
    for (const lane of fx.ties) {
      const x = torch.tensor(lane.x.map(num));
      const t = torch.topk(x, lane.k, 0, lane.largest, lane.sorted);
      expect(Array.from(t.indices.toFloat32Array())).toEqual(lane.topk);
      expect(x.kthvalue(lane.kk).indices.item()).toBe(lane.kthvalue);
      expect(x.median(0).indices.item()).toBe(lane.median);
      const m = x.mode(0);
      expect(m.indices.item()).toBe(lane.mode);
      expect(m.values.item()).toEqual(num(lane.modeValue));
    }
  });
});

describe('unique with NaN (follows PyTorch 2.x)', () => {
  it('sorts NaNs last, each one distinct', () => {
    const u = fx.uniqueNan;
    const [values, inverse, counts] = torch.unique(fromJson(u.input), {
      returnInverse: true,
      returnCounts: true,
    }) as Tensor[];
    expectExact(values, u.values, 'values');
    expectExact(inverse, u.inverse, 'inverse');
    expectExact(counts, u.counts, 'counts');
  });
});
