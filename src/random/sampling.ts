/** Random sampling with PyTorch's CPU algorithms, so a seed gives PyTorch's numbers. */
import { Tensor, describe } from '../tensor/tensor.js';
import { overwrite_ } from '../ops/inplace.js';
import { creationArgs, type CreationOptions, type SizeArgs } from '../tensor/creation-args.js';
import { defaultGenerator, type Generator } from './generator.js';
import { allocLasting } from '../tensor/kernels/wasm-storage.js';

export interface RandomOptions {
  generator?: Generator;
}

const f = Math.fround;

function generatorOf(options: RandomOptions | undefined): Generator {
  return options?.generator ?? defaultGenerator;
}

/** PyTorch's float `uniform_real_distribution`: 24 random bits, then `x * (to - from) + from` in float32. */
function uniformValues(n: number, from: number, to: number, gen: Generator): Float32Array {
  const lo = f(from);
  const span = f(f(to) - lo);
  const out = allocLasting(n);
  // x * span is exact in double; adding lo then rounds once, as the fused multiply-add PyTorch compiles to.
  for (let i = 0; i < n; i++) out[i] = gen.nextFloat() * span + lo;
  return out;
}

/**
 * PyTorch's CPU normal fill. Fewer than 16 elements: scalar Box–Muller in double (with the cached
 * second sample). 16 or more: uniforms for every element first, then Box–Muller on blocks of 16
 * (8 pairs), with the last block recomputed from fresh uniforms when the size is not a multiple of 16.
 */
function normalValues(n: number, mean: number, std: number, gen: Generator): Float32Array {
  const out = allocLasting(n);
  if (n < 16) {
    for (let i = 0; i < n; i++) out[i] = gen.nextNormalDouble() * std + mean;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = gen.nextFloat();
  const m = f(mean);
  const s = f(std);
  const twoPi = f(2 * Math.PI);
  const block = (start: number) => {
    for (let j = 0; j < 8; j++) {
      const u1 = f(1 - out[start + j]);
      const u2 = out[start + j + 8];
      const radius = f(Math.sqrt(f(-2 * f(Math.log(u1)))));
      const theta = f(twoPi * u2);
      out[start + j] = f(f(radius * f(Math.cos(theta))) * s + m);
      out[start + j + 8] = f(f(radius * f(Math.sin(theta))) * s + m);
    }
  };
  for (let i = 0; i + 16 <= n; i += 16) block(i);
  if (n % 16 !== 0) {
    for (let i = n - 16; i < n; i++) out[i] = gen.nextFloat();
    block(n - 16);
  }
  return out;
}

export function uniformInPlace<T extends Tensor>(
  t: T,
  from = 0,
  to = 1,
  options?: RandomOptions,
): T {
  if (typeof from !== 'number' || typeof to !== 'number' || !(from <= to)) {
    throw new RangeError(
      `uniform_: expects to return a [from, to) range, but found from=${from} > to=${to}`,
    );
  }
  const gen = generatorOf(options);
  return overwrite_(t, 'uniform_', 'UniformBackward0', (n) => uniformValues(n, from, to, gen));
}

export function normalInPlace<T extends Tensor>(
  t: T,
  mean = 0,
  std = 1,
  options?: RandomOptions,
): T {
  if (typeof std !== 'number' || !(std >= 0))
    throw new RangeError(`normal_: expects std >= 0.0, but found std ${std}`);
  const gen = generatorOf(options);
  return overwrite_(t, 'normal_', 'NormalBackward0', (n) => normalValues(n, mean, std, gen));
}

type RandomCreationOptions = CreationOptions & RandomOptions;

function sample(
  args: SizeArgs<RandomCreationOptions>,
  op: string,
  values: (n: number, gen: Generator) => Float32Array,
): Tensor {
  const { shape, options } = creationArgs<RandomCreationOptions>(args, op);
  const n = shape.reduce((a, b) => a * b, 1);
  const t = Tensor._fromData(values(n, generatorOf(options)), shape);
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Uniform samples in [0, 1): `torch.rand`. */
export function rand(...args: SizeArgs<RandomCreationOptions>): Tensor {
  return sample(args, 'rand', (n, g) => uniformValues(n, 0, 1, g));
}

/** Standard normal samples: `torch.randn`. */
export function randn(...args: SizeArgs<RandomCreationOptions>): Tensor {
  return sample(args, 'randn', (n, g) => normalValues(n, 0, 1, g));
}

export function randLike(t: Tensor, options?: RandomOptions): Tensor {
  return rand(t.shape, options ?? {});
}

export function randnLike(t: Tensor, options?: RandomOptions): Tensor {
  return randn(t.shape, options ?? {});
}

/**
 * Integers in [low, high) as float32 values: `randint(low, high, size)` or `randint(high, size)`,
 * like `torch.randint`.
 */
export function randint(
  high: number,
  size: readonly number[],
  options?: RandomCreationOptions,
): Tensor;
export function randint(
  low: number,
  high: number,
  size: readonly number[],
  options?: RandomCreationOptions,
): Tensor;
export function randint(
  a: number,
  b: number | readonly number[],
  c?: readonly number[] | RandomCreationOptions,
  d: RandomCreationOptions = {},
): Tensor {
  const twoArgs = Array.isArray(b);
  const low = twoArgs ? 0 : a;
  const high = twoArgs ? a : (b as number);
  const size = (twoArgs ? b : c) as readonly number[];
  const options = ((twoArgs ? c : d) ?? {}) as RandomCreationOptions;
  if (!Array.isArray(size))
    throw new TypeError(`randint: size must be an array of sizes, got ${describe(size)}`);
  if (!Number.isInteger(low) || !Number.isInteger(high)) {
    throw new TypeError(
      `randint: low and high must be integers, got ${describe(low)} and ${describe(high)}`,
    );
  }
  if (!(low < high))
    throw new RangeError(
      `randint: expects 'from' to be less than 'to', but got from=${low} >= to=${high}`,
    );
  const range = high - low;
  return sample([size, options], 'randint', (n, g) => {
    const out = allocLasting(n);
    for (let i = 0; i < n; i++) {
      // Ranges below 2^32 use one 32-bit draw, larger ones a 64-bit draw (hi word first).
      const r =
        range < 4294967296
          ? g.nextUint32() % range
          : Number((BigInt(g.nextUint32()) * 4294967296n + BigInt(g.nextUint32())) % BigInt(range));
      out[i] = r + low;
    }
    return out;
  });
}

/** A random permutation of 0..n-1 (Fisher–Yates from the front, as PyTorch's CPU randperm). */
export function randperm(n: number, options: RandomCreationOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`randperm: n must be a non-negative integer, got ${n}`);
  return sample([[n], options], 'randperm', (len, g) => {
    const out = allocLasting(len);
    for (let i = 0; i < len; i++) out[i] = i; // (map() would return a new, plain array)
    for (let i = 0; i < len - 1; i++) {
      const z = g.nextUint32() % (len - i);
      const tmp = out[i];
      out[i] = out[z + i];
      out[z + i] = tmp;
    }
    return out;
  });
}
