/** Random sampling with PyTorch's CPU algorithms, so a seed gives PyTorch's numbers. */
import { Tensor, describe } from '../tensor/tensor.js';
import { overwrite_ } from '../ops/inplace.js';
import {
  CREATION_SPEC,
  allocFor,
  creationArgs,
  type CreationOptions,
  type SizeArgs,
} from '../tensor/creation-args.js';
import { checkOptions, type OptionSpec } from '../tensor/options.js';
import { Generator, defaultGenerator } from './generator.js';
import { allocWasmBacked } from '../tensor/kernels/wasm-storage.js';

/** Options of the random functions: which generator to draw from. */
export interface RandomOptions {
  /** The generator to draw from (default: the default generator that `manualSeed` seeds). */
  generator?: Generator;
}

const f = Math.fround;

function generatorOf(options: RandomOptions | undefined): Generator {
  return options?.generator ?? defaultGenerator;
}

const GENERATOR_OPTION = {
  generator: { test: (v: unknown) => v instanceof Generator, expected: 'a Generator' },
};
/**
 * The generator an in-place sampler's options name (the default generator when they name none).
 * Other keys are ignored here: the `nn.init` functions pass their whole options objects
 * (`{ a, mode, generator }`) through.
 */
function generatorOption(op: string, options: unknown): Generator {
  if (options !== undefined) {
    if (options === null || typeof options !== 'object')
      throw new TypeError(`${op}: expected an options object, got ${describe(options)}`);
    const { generator } = options as RandomOptions;
    if (generator !== undefined && !(generator instanceof Generator))
      throw new TypeError(
        `${op}: option 'generator' must be a Generator, got ${describe(generator)}`,
      );
  }
  return generatorOf(options as RandomOptions | undefined);
}
// Built by a call marked pure (a spread would stay in every bundle that imports this module, used or not).
const RANDOM_CREATION_SPEC: OptionSpec = /* @__PURE__ */ Object.assign(
  {},
  CREATION_SPEC,
  GENERATOR_OPTION,
);

/** PyTorch's float `uniform_real_distribution`: 24 random bits, then `x * (to - from) + from` in float32. */
function uniformValues(n: number, from: number, to: number, gen: Generator): Float32Array {
  const lo = f(from);
  const span = f(f(to) - lo);
  const out = allocWasmBacked(n);
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
  const out = allocWasmBacked(n);
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
  rawOptions?: RandomOptions,
): T {
  const gen = generatorOption('uniform_', rawOptions);
  if (typeof from !== 'number' || typeof to !== 'number') {
    throw new TypeError(
      `uniform_: from and to must be numbers, got ${describe(from)} and ${describe(to)}`,
    );
  }
  if (!(from <= to)) {
    throw new RangeError(
      `uniform_: expects to return a [from, to) range, but found from=${from} > to=${to}`,
    );
  }
  return overwrite_(t, 'uniform_', 'UniformBackward0', (n) => uniformValues(n, from, to, gen));
}

export function normalInPlace<T extends Tensor>(
  t: T,
  mean = 0,
  std = 1,
  rawOptions?: RandomOptions,
): T {
  const gen = generatorOption('normal_', rawOptions);
  if (typeof mean !== 'number')
    throw new TypeError(`normal_: mean must be a number, got ${describe(mean)}`);
  if (typeof std !== 'number' || !(std >= 0))
    throw new RangeError(`normal_: expects std >= 0.0, but found std ${std}`);
  return overwrite_(t, 'normal_', 'NormalBackward0', (n) => normalValues(n, mean, std, gen));
}

type RandomCreationOptions = CreationOptions & RandomOptions;

function sample(
  args: SizeArgs<RandomCreationOptions>,
  op: string,
  values: (n: number, gen: Generator) => Float32Array,
): Tensor {
  const { shape, options } = creationArgs<RandomCreationOptions>(args, op, RANDOM_CREATION_SPEC);
  const n = shape.reduce((a, b) => a * b, 1);
  const gen = generatorOf(options);
  const t = Tensor._fromData(
    allocFor(op, shape, n, (count) => values(count, gen)),
    shape,
  );
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * Samples uniformly from [0, 1), as `torch.rand`, reproducing PyTorch's CPU stream for the same
 * seed.
 *
 * @param args - The sizes, as `rand(2, 3)` or `rand([2, 3])`, optionally followed by
 *   `{ requiresGrad, generator }` (defaults `false` and the default generator).
 * @returns A new tensor of that shape.
 * @throws TypeError if a size is not a number or an option is unknown or mistyped.
 * @throws RangeError if a size is negative or not an integer.
 * @example
 * ```ts
 * manualSeed(0);
 * const x = rand(2, 3);
 * ```
 */
export function rand(...args: SizeArgs<RandomCreationOptions>): Tensor {
  return sample(args, 'rand', (n, g) => uniformValues(n, 0, 1, g));
}

/**
 * Samples from the standard normal distribution, as `torch.randn`, reproducing PyTorch's CPU stream
 * for the same seed.
 *
 * @param args - The sizes, as `randn(2, 3)` or `randn([2, 3])`, optionally followed by
 *   `{ requiresGrad, generator }` (defaults `false` and the default generator).
 * @returns A new tensor of that shape.
 * @throws TypeError if a size is not a number or an option is unknown or mistyped.
 * @throws RangeError if a size is negative or not an integer.
 * @example
 * ```ts
 * manualSeed(0);
 * const noise = randn([4, 2]);
 * ```
 */
export function randn(...args: SizeArgs<RandomCreationOptions>): Tensor {
  return sample(args, 'randn', (n, g) => normalValues(n, 0, 1, g));
}

/**
 * Uniform samples in [0, 1) with the shape of `t`, as `torch.rand_like`.
 *
 * @param t - The tensor whose shape to copy.
 * @param options - `generator` (default: the default generator).
 * @returns A new tensor.
 * @throws TypeError if an option is unknown or mistyped.
 */
export function randLike(t: Tensor, options?: RandomOptions): Tensor {
  return rand(t.shape, options ?? {});
}

/**
 * Standard normal samples with the shape of `t`, as `torch.randn_like`.
 *
 * @param t - The tensor whose shape to copy.
 * @param options - `generator` (default: the default generator).
 * @returns A new tensor.
 * @throws TypeError if an option is unknown or mistyped.
 */
export function randnLike(t: Tensor, options?: RandomOptions): Tensor {
  return randn(t.shape, options ?? {});
}

/**
 * Random integers in [0, `high`) as float32 values, as `torch.randint(high, size)`.
 *
 * @param high - The exclusive upper bound.
 * @param size - The shape, e.g. `[2, 3]`.
 * @param options - `requiresGrad` (default `false`) and `generator` (default: the default
 *   generator).
 * @returns A new tensor of integers.
 * @throws TypeError if `high` is not an integer, `size` is not an array, or an option is unknown
 *   or mistyped.
 * @throws RangeError if `high <= 0`.
 * @example
 * ```ts
 * randint(10, [5]); // five integers in [0, 10)
 * ```
 */
export function randint(
  high: number,
  size: readonly number[],
  options?: RandomCreationOptions,
): Tensor;
/**
 * Random integers in [`low`, `high`) as float32 values, as `torch.randint(low, high, size)`.
 *
 * @param low - The inclusive lower bound.
 * @param high - The exclusive upper bound.
 * @param size - The shape, e.g. `[2, 3]`.
 * @param options - `requiresGrad` (default `false`) and `generator` (default: the default
 *   generator).
 * @returns A new tensor of integers.
 * @throws TypeError if a bound is not an integer, `size` is not an array, or an option is unknown
 *   or mistyped.
 * @throws RangeError if `low >= high`.
 * @example
 * ```ts
 * randint(-3, 3, [2]); // two integers in [-3, 3)
 * ```
 */
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
  const options = checkOptions<RandomCreationOptions>(
    'randint',
    twoArgs ? c : d,
    RANDOM_CREATION_SPEC,
  );
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
    const out = allocWasmBacked(n);
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

/**
 * A random permutation of the integers 0 … n-1, as `torch.randperm` (PyTorch's CPU algorithm, so
 * the same seed gives the same permutation).
 *
 * @param n - The length (a non-negative integer).
 * @param options - `requiresGrad` (default `false`) and `generator` (default: the default
 *   generator).
 * @returns A new 1-D tensor of `n` integers.
 * @throws TypeError if `n` is not a number or an option is unknown or mistyped.
 * @throws RangeError if `n` is negative or not an integer.
 * @example
 * ```ts
 * const order = randperm(5); // e.g. tensor([2., 0., 4., 1., 3.])
 * ```
 */
export function randperm(n: number, options: RandomCreationOptions = {}): Tensor {
  if (typeof n !== 'number')
    throw new TypeError(`randperm: n must be a number, got ${describe(n)}`);
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`randperm: n must be a non-negative integer, got ${n}`);
  return sample([[n], options], 'randperm', (len, g) => {
    const out = allocWasmBacked(len);
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
