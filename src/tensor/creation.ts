/** Tensor creation: `tensor`, `zeros`, `ones`, `full`, `arange`, `linspace`, `eye` and the `*Like` forms. */
import { Tensor, assertTensor, describe, type NestedArray } from './tensor.js';
import { formatShape, numelOf, checkShape } from './shape.js';
import {
  CREATION_SPEC,
  allocFor,
  creationArgs,
  type CreationOptions,
  type SizeArgs,
} from './creation-args.js';
import { checkOptions, isOptionsObject, rejectAfterOptions } from './options.js';
import { allocWasmBacked, copyWasmBacked, gatherWasmBacked } from './kernels/wasm-storage.js';

export type { CreationOptions, SizeArgs };

/**
 * Options of {@link tensor}: `requiresGrad` (default `false`) and, for flat data, the `shape` to
 * give it.
 */
export interface TensorOptions extends CreationOptions {
  /** With Float32Array data: the shape to give it (default 1-D). */
  shape?: readonly number[];
}

/** Anything `tensor()` accepts: a number, nested arrays of numbers, a Float32Array or a Tensor. */
export type TensorData = number | boolean | ReadonlyArray<unknown> | Float32Array | Tensor;

function withGrad(t: Tensor, options: CreationOptions | undefined): Tensor {
  if (options?.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Shape of nested arrays, checking that every level is rectangular. */
function inferNestedShape(data: ReadonlyArray<unknown>): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flattenNested(data: ReadonlyArray<unknown>, shape: readonly number[]): Float32Array {
  const out = allocFor('tensor', shape, numelOf(shape), allocWasmBacked);
  let k = 0;
  const walk = (node: unknown, dim: number, path: number[]) => {
    if (dim === shape.length) {
      if (typeof node === 'number') out[k++] = node;
      else if (typeof node === 'boolean') out[k++] = node ? 1 : 0;
      else {
        throw new TypeError(
          `tensor: expected a number at index [${path.join(', ')}], got ${describe(node)}`,
        );
      }
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      const got = Array.isArray(node) ? node.length : describe(node);
      throw new RangeError(
        `tensor: expected sequence of length ${shape[dim]} at dim ${dim} (got ${got})`,
      );
    }
    node.forEach((child, i) => walk(child, dim + 1, [...path, i]));
  };
  walk(data, 0, []);
  return out;
}

/**
 * A new tensor holding a copy of `data`, as `torch.tensor`.
 *
 * A number gives a 0-d tensor, nested arrays give their own shape (they must be rectangular),
 * a Float32Array gives a 1-D tensor unless `options.shape` is given, and a Tensor is copied
 * (detached). Booleans become 0 and 1. The data is always copied, never shared.
 *
 * @param data - A number, nested arrays of numbers, a Float32Array or a Tensor.
 * @param rawOptions - `requiresGrad` (default `false`): make the result a leaf that records
 *   operations; `shape` (default: the data's own shape): reshape the values to this shape.
 * @returns A new contiguous float32 tensor.
 * @throws TypeError if `data` is not numeric data, the nesting holds a non-number, or an option
 *   is unknown or mistyped.
 * @throws RangeError if nested arrays are ragged or `shape` does not match the number of values.
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]]);               // shape [2, 2]
 * const w = tensor([0.5, -1], { requiresGrad: true });
 * const s = tensor(3);                               // 0-d
 * const m = tensor(new Float32Array(6), { shape: [2, 3] });
 * ```
 */
export function tensor(data: TensorData, rawOptions?: TensorOptions): Tensor {
  const options = checkOptions<TensorOptions>('tensor', rawOptions, {
    ...CREATION_SPEC,
    shape: 'number[]',
  });
  // Read the values and their natural shape, then apply options.shape once (no second copy).
  let values: Float32Array;
  let shape: number[];
  if (data instanceof Tensor) {
    values = gatherWasmBacked(data);
    shape = [...data.shape];
  } else if (typeof data === 'number' || typeof data === 'boolean') {
    values = Float32Array.of(Number(data));
    shape = [];
  } else if (ArrayBuffer.isView(data)) {
    values = copyWasmBacked(data as unknown as ArrayLike<number>);
    shape = [values.length];
  } else if (Array.isArray(data)) {
    shape = inferNestedShape(data);
    values = flattenNested(data, shape);
  } else {
    throw new TypeError(
      `tensor: expected a number, nested arrays of numbers or a Float32Array, got ${describe(data)}`,
    );
  }
  if (options.shape) {
    shape = checkShape(options.shape, 'tensor');
    if (numelOf(shape) !== values.length) {
      throw new RangeError(
        `tensor: shape ${formatShape(shape)} is invalid for data of ${values.length} elements`,
      );
    }
  }
  return withGrad(Tensor._fromData(values, shape), options);
}

function filled(args: SizeArgs<CreationOptions>, value: number, op: string): Tensor {
  const { shape, options } = creationArgs(args, op);
  const data = allocFor(op, shape, numelOf(shape), allocWasmBacked);
  if (value !== 0) data.fill(value);
  return withGrad(Tensor._fromData(data, shape), options);
}

/**
 * A tensor filled with 0, as `torch.zeros`.
 *
 * @param args - The sizes, as `zeros(2, 3)` or `zeros([2, 3])`, optionally followed by
 *   `{ requiresGrad }` (default `false`). No sizes gives a 0-d tensor.
 * @returns A new tensor of that shape.
 * @throws TypeError if a size is not a number or an option is unknown or mistyped.
 * @throws RangeError if a size is negative or not an integer.
 * @example
 * ```ts
 * zeros(2, 3);                            // tensor([[0., 0., 0.], [0., 0., 0.]])
 * zeros([4], { requiresGrad: true });
 * ```
 */
export function zeros(...args: SizeArgs<CreationOptions>): Tensor {
  return filled(args, 0, 'zeros');
}

/**
 * A tensor filled with 1, as `torch.ones`.
 *
 * @param args - The sizes, as `ones(2, 3)` or `ones([2, 3])`, optionally followed by
 *   `{ requiresGrad }` (default `false`).
 * @returns A new tensor of that shape.
 * @throws TypeError if a size is not a number or an option is unknown or mistyped.
 * @throws RangeError if a size is negative or not an integer.
 * @example
 * ```ts
 * ones(2, 2).sum().item(); // 4
 * ```
 */
export function ones(...args: SizeArgs<CreationOptions>): Tensor {
  return filled(args, 1, 'ones');
}

/**
 * A tensor of the given shape, as `torch.empty`. PyTorch leaves the memory uninitialised; here it
 * holds zeros (JavaScript has no cheaper allocation), so do not rely on either.
 *
 * @param args - The sizes, as `empty(2, 3)` or `empty([2, 3])`, optionally followed by
 *   `{ requiresGrad }` (default `false`).
 * @returns A new tensor of that shape.
 * @throws TypeError if a size is not a number or an option is unknown or mistyped.
 * @throws RangeError if a size is negative or not an integer.
 */
export function empty(...args: SizeArgs<CreationOptions>): Tensor {
  return filled(args, 0, 'empty');
}

/**
 * A tensor of shape `size` filled with `value`, as `torch.full`.
 *
 * @param size - The shape, e.g. `[2, 3]` (`[]` for a 0-d tensor).
 * @param value - The fill value (a boolean becomes 0 or 1).
 * @param options - `requiresGrad` (default `false`).
 * @returns A new tensor of that shape.
 * @throws TypeError if `size` is not an array of sizes, `value` is not a number, or an option is
 *   unknown or mistyped.
 * @throws RangeError if a size is negative or not an integer.
 * @example
 * ```ts
 * full([2, 2], 7); // tensor([[7., 7.], [7., 7.]])
 * ```
 */
export function full(
  size: readonly number[],
  value: number,
  options: CreationOptions = {},
): Tensor {
  if (!Array.isArray(size) && typeof size !== 'number')
    throw new TypeError(`full: size must be an array of sizes, got ${describe(size)}`);
  if (typeof value !== 'number' && typeof value !== 'boolean')
    throw new TypeError(`full: fill value must be a number, got ${describe(value)}`);
  return filled([size, options], Number(value), 'full');
}

/**
 * A tensor of zeros with the shape of `t`, as `torch.zeros_like` (never shares `t`'s memory and
 * never requires grad unless asked).
 *
 * @param t - The tensor whose shape to copy.
 * @param options - `requiresGrad` (default `false`).
 * @returns A new contiguous tensor of zeros.
 * @throws TypeError if `t` is not a Tensor or an option is unknown or mistyped.
 */
export function zerosLike(t: Tensor, options: CreationOptions = {}): Tensor {
  assertTensor(t, 'zerosLike');
  return filled([t.shape, options], 0, 'zerosLike');
}

/**
 * A tensor of ones with the shape of `t`, as `torch.ones_like`.
 *
 * @param t - The tensor whose shape to copy.
 * @param options - `requiresGrad` (default `false`).
 * @returns A new contiguous tensor of ones.
 * @throws TypeError if `t` is not a Tensor or an option is unknown or mistyped.
 */
export function onesLike(t: Tensor, options: CreationOptions = {}): Tensor {
  assertTensor(t, 'onesLike');
  return filled([t.shape, options], 1, 'onesLike');
}

/**
 * A tensor with the shape of `t` filled with `value`, as `torch.full_like`.
 *
 * @param t - The tensor whose shape to copy.
 * @param value - The fill value.
 * @param options - `requiresGrad` (default `false`).
 * @returns A new contiguous tensor.
 * @throws TypeError if `t` is not a Tensor, `value` is not a number, or an option is unknown or
 *   mistyped.
 */
export function fullLike(t: Tensor, value: number, options: CreationOptions = {}): Tensor {
  assertTensor(t, 'fullLike');
  return full(t.shape, value, options);
}

/**
 * Splits trailing positional arguments from an options object that may come early
 * (`arange(5, { requiresGrad: true })`), checking the options.
 */
function positionalAndOptions(
  op: string,
  args: readonly unknown[],
): { positional: unknown[]; options: CreationOptions } {
  const at = args.findIndex((a) => isOptionsObject(a));
  if (at === -1) return { positional: [...args], options: {} };
  rejectAfterOptions(
    op,
    args.slice(at + 1).find((a) => a !== undefined),
  );
  return {
    positional: args.slice(0, at),
    options: checkOptions<CreationOptions>(op, args[at], CREATION_SPEC),
  };
}

/**
 * Values from `start` (default 0) up to but excluding `end`, spaced by `step`, as `torch.arange`:
 * `arange(end)` or `arange(start, end, step = 1)`. Each value is `start + i * step` computed in
 * double precision and then rounded to float32, as PyTorch does; the length is
 * `ceil((end - start) / step)`. An options object may follow any of the numbers.
 *
 * @param startOrEnd - `end` when it is the only number, otherwise `start`.
 * @param end - The exclusive upper bound (or the options).
 * @param stepArg - The spacing, default 1; negative counts down (or the options).
 * @param rawOptions - `requiresGrad` (default `false`).
 * @returns A new 1-D tensor.
 * @throws TypeError if a bound is not a number or an option is unknown or mistyped.
 * @throws RangeError if a bound is not finite, `step` is 0, or the sign of `step` cannot reach
 *   `end`.
 * @example
 * ```ts
 * arange(5);          // tensor([0., 1., 2., 3., 4.])
 * arange(1, 2, 0.25); // tensor([1.0000, 1.2500, 1.5000, 1.7500])
 * ```
 */
export function arange(
  startOrEnd: number,
  end?: number | CreationOptions,
  stepArg?: number | CreationOptions,
  rawOptions?: CreationOptions,
): Tensor {
  const { positional, options } = positionalAndOptions('arange', [
    startOrEnd,
    end,
    stepArg,
    rawOptions,
  ]);
  while (positional.length > 0 && positional[positional.length - 1] === undefined) positional.pop();
  if (positional.length === 0) throw new TypeError('arange: expected an end value, got nothing');
  const one = positional.length === 1;
  const start = one ? 0 : positional[0];
  const stop = one ? positional[0] : positional[1];
  const stepValue = positional[2] ?? 1;
  for (const [name, v] of [
    ['start', start],
    ['end', stop],
    ['step', stepValue],
  ] as const) {
    if (typeof v !== 'number')
      throw new TypeError(`arange: ${name} must be a number, got ${describe(v)}`);
    if (!Number.isFinite(v))
      throw new RangeError(`arange: ${name} must be finite, got ${describe(v)}`);
  }
  const step = stepValue as number;
  if (typeof start !== 'number' || typeof stop !== 'number') throw new Error('arange: unreachable');
  if (step === 0) throw new RangeError('arange: step must be nonzero');
  if ((step > 0 && stop < start) || (step < 0 && stop > start)) {
    throw new RangeError(
      `arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${stop}, step=${step})`,
    );
  }
  const n = Math.ceil((stop - start) / step);
  const data = allocFor('arange', [n], n, allocWasmBacked);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return withGrad(Tensor._fromData(data, [n]), options);
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive, as `torch.linspace`, bit for bit
 * like PyTorch's CPU kernel (the first half counts up from `start`, the second half down from
 * `end`, in float32).
 *
 * @param start - The first value.
 * @param end - The last value.
 * @param steps - How many values (a non-negative integer; 1 gives `[start]`).
 * @param rawOptions - `requiresGrad` (default `false`).
 * @returns A new 1-D tensor of `steps` values.
 * @throws TypeError if an argument is not a number or an option is unknown or mistyped.
 * @throws RangeError if `steps` is negative or not an integer.
 * @example
 * ```ts
 * linspace(0, 1, 5); // tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
 * ```
 */
export function linspace(
  start: number,
  end: number,
  steps: number,
  rawOptions?: CreationOptions,
): Tensor {
  const options = checkOptions<CreationOptions>('linspace', rawOptions, CREATION_SPEC);
  for (const [name, v] of [
    ['start', start],
    ['end', end],
    ['steps', steps],
  ] as const) {
    if (typeof v !== 'number')
      throw new TypeError(`linspace: ${name} must be a number, got ${describe(v)}`);
  }
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`linspace: number of steps must be non-negative, got ${steps}`);
  }
  const f = Math.fround;
  const data = allocFor('linspace', [steps], steps, allocWasmBacked);
  if (steps === 1) data[0] = start;
  else if (steps > 1) {
    const s0 = f(start);
    const s1 = f(end);
    const step = f(f(s1 - s0) / (steps - 1));
    const half = Math.floor(steps / 2);
    // step * idx is exact in double, so one rounding at the end is a fused multiply-add.
    const at = (idx: number) => (idx < half ? step * idx + s0 : -step * (steps - idx - 1) + s1);
    let idx = 0;
    for (; idx + 16 <= steps; idx += 16) {
      for (const v of [idx, idx + 8]) {
        const base = f(at(v));
        for (let j = 0; j < 8; j++) data[v + j] = base + f(j * step);
      }
    }
    for (; idx < steps; idx++) data[idx] = at(idx);
  }
  return withGrad(Tensor._fromData(data, [steps]), options);
}

/**
 * The `n` × `m` identity matrix (ones on the main diagonal), as `torch.eye`.
 *
 * @param n - The number of rows.
 * @param m - The number of columns, default `n` (or the options).
 * @param rawOptions - `requiresGrad` (default `false`).
 * @returns A new 2-D tensor.
 * @throws TypeError if `n` or `m` is not a number or an option is unknown or mistyped.
 * @throws RangeError if `n` or `m` is negative or not an integer.
 * @example
 * ```ts
 * eye(2); // tensor([[1., 0.], [0., 1.]])
 * ```
 */
export function eye(n: number, m?: number | CreationOptions, rawOptions?: CreationOptions): Tensor {
  const { positional, options } = positionalAndOptions('eye', [n, m, rawOptions]);
  const rows = positional[0];
  const cols = positional[1] ?? rows;
  if (typeof rows !== 'number')
    throw new TypeError(`eye: n must be a number, got ${describe(rows)}`);
  if (typeof cols !== 'number')
    throw new TypeError(`eye: m must be a number, got ${describe(cols)}`);
  checkShape([rows, cols], 'eye');
  return eyeOf(rows, cols, options);
}

function eyeOf(n: number, m: number, options: CreationOptions): Tensor {
  const data = allocFor('eye', [n, m], n * m, allocWasmBacked);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return withGrad(Tensor._fromData(data, [n, m]), options);
}

export type { NestedArray };
