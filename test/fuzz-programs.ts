/**
 * The interpreter of the differential fuzzer's programs (test/fixtures/fuzz.json, written by
 * scripts/fixtures/fuzz.py): builds each input with its recorded memory layout and runs the steps
 * over torchlet's API, as the generator ran them over PyTorch's. See test/fuzz.fixtures.test.ts.
 */
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';

export type JsonNumber = number | 'nan' | 'inf' | '-inf';
export interface JsonTensor {
  shape: number[];
  data: JsonNumber[];
}

const SPECIAL: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };

/** A fixture number: NaN and the infinities are stored as strings. */
export function num(v: JsonNumber): number {
  return typeof v === 'string' ? SPECIAL[v] : v;
}

export type Arg = string | number | null | Arg[];
type Value = Tensor | number | null | Value[];
export type Layout = 'c' | 't' | 's' | 'o' | 'e';

export interface LeafSpec {
  shape: number[];
  layout: Layout;
  grad: boolean;
  /** For layout 'e': the shape of the stored data, expanded to `shape`. */
  base?: number[];
  data: JsonNumber[];
}

export interface Refusal {
  /** The step that PyTorch refused, or 'backward'. */
  at: number | 'backward';
  type: string;
  message: string;
}

export interface Program {
  name: string;
  leaves: Record<string, LeafSpec>;
  steps: [string | null, string, Arg[]][];
  root: string;
  gradient: JsonNumber[];
  values?: Record<string, JsonTensor>;
  grads?: Record<string, JsonTensor | null>;
  /** Per tensor (`grad:<leaf>` for gradients): PyTorch's largest float32 error, from a float64 run. */
  err64?: Record<string, number>;
  error?: Refusal;
}

/** The input as its layout asks; the same construction as the generator's make_leaf. */
export function makeLeaf(spec: LeafSpec): Tensor {
  const data = Float32Array.from(spec.data.map(num));
  const { shape } = spec;
  let x: Tensor;
  if (spec.layout === 'e') {
    x = torch.tensor(data, { shape: spec.base! }).expand(shape);
  } else {
    x = torch.tensor(data, { shape });
    if (spec.layout === 't') {
      const rev = shape.map((_, i) => shape.length - 1 - i);
      x = x.permute(rev).contiguous().permute(rev);
    } else if (spec.layout === 's') {
      x = torch
        .stack([x, torch.full(shape, 99)], -1)
        .flatten(-2)
        .slice(-1, null, null, 2);
    } else if (spec.layout === 'o') {
      x = torch
        .cat([torch.full([3], 99), x.flatten()])
        .narrow(0, 3, x.numel())
        .view(shape);
    }
  }
  return x.detach().requiresGrad_(spec.grad);
}

function resolve(a: Arg, env: Record<string, Tensor>): Value {
  if (typeof a === 'string') return a in SPECIAL ? SPECIAL[a] : env[a];
  if (Array.isArray(a)) return a.map((v) => resolve(v, env));
  return a;
}

type Method = (...args: unknown[]) => unknown;
type Op = (x: Tensor, ...args: Value[]) => unknown;

const asTensor = (v: Value): Tensor => v as Tensor;
const asNumber = (v: Value): number => v as number;
const asBool = (v: Value): boolean => v as unknown as boolean;

/** Ops whose torchlet spelling differs from `x.<op>(...args)`. */
const SPECIAL_OPS: Record<string, Op> = {
  where: (c, t, a, b) => torch.where(c.gt(asNumber(t)), asTensor(a), asTensor(b)),
  max_dim: (x, d, k) => x.max(asNumber(d), asBool(k)).values,
  min_dim: (x, d, k) => x.min(asNumber(d), asBool(k)).values,
  sort: (x, d, desc) => x.sort(asNumber(d), asBool(desc)).values,
  log_softmax: (x, d) => x.logSoftmax(asNumber(d)),
  // The index is stored as its shape and its integers in row-major order.
  gather: (x, d, shape, idx) =>
    x.gather(
      asNumber(d),
      torch.tensor(Float32Array.from(idx as number[]), { shape: shape as number[] }),
    ),
  cat: (xs, d) => torch.cat(xs as unknown as Tensor[], asNumber(d)),
  stack: (xs, d) => torch.stack(xs as unknown as Tensor[], asNumber(d)),
};

function applyStep(env: Record<string, Tensor>, [dest, op, args]: Program['steps'][number]): void {
  const [first, ...rest] = args.map((a) => resolve(a, env));
  let out: unknown;
  if (op in SPECIAL_OPS) {
    out = SPECIAL_OPS[op](first as Tensor, ...rest);
  } else {
    const self = first as Tensor;
    const fn = (self as unknown as Record<string, Method>)[op];
    if (typeof fn !== 'function')
      throw new Error(`the fuzzer's program uses Tensor.${op}, missing`);
    out = fn.apply(self, rest);
  }
  if (dest !== null) env[dest] = out as Tensor;
}

/** Where a replay stopped: 'ok', or the step (or 'backward') that threw, with the error. */
export interface Replay {
  env: Record<string, Tensor>;
  threw?: { at: number | 'backward'; error: unknown };
}

export function replay(p: Program): Replay {
  const env: Record<string, Tensor> = {};
  for (const [k, spec] of Object.entries(p.leaves)) env[k] = makeLeaf(spec);
  for (let i = 0; i < p.steps.length; i++) {
    try {
      applyStep(env, p.steps[i]);
    } catch (error) {
      return { env, threw: { at: i, error } };
    }
  }
  try {
    const root = env[p.root];
    const gradient = torch.tensor(Float32Array.from(p.gradient.map(num)), { shape: root.shape });
    root.backward(gradient);
  } catch (error) {
    return { env, threw: { at: 'backward', error } };
  }
  return { env };
}
