/** Tensor creation: `tensor`, `zeros`, `ones`, `full`, `arange`, `linspace`, `eye` and the `*Like` forms. */
import { Tensor, assertTensor, describe, type NestedArray } from './tensor.js';
import { formatShape, numelOf, checkShape } from './shape.js';
import { creationArgs, type CreationOptions, type SizeArgs } from './creation-args.js';
import { allocLasting, copyLasting, gatherLasting } from './kernels/wasm-storage.js';

export type { CreationOptions, SizeArgs };

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
  const out = allocLasting(numelOf(shape));
  let k = 0;
  const walk = (node: unknown, dim: number, path: number[]) => {
    if (dim === shape.length) {
      if (typeof node === 'number') out[k++] = node;
      else if (typeof node === 'boolean') out[k++] = node ? 1 : 0;
      else {
        throw new TypeError(
          `tensor: expected a number at index [${path.join(', ')}], got ${Array.isArray(node) ? 'an array' : describe(node)}`,
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
 * A new tensor from data, always copying it (as `torch.tensor`): a number gives a 0-d tensor,
 * nested arrays give their shape, a Float32Array is 1-D unless `shape` is given.
 */
export function tensor(data: TensorData, options: TensorOptions = {}): Tensor {
  // Read the values and their natural shape, then apply options.shape once (no second copy).
  let values: Float32Array;
  let shape: number[];
  if (data instanceof Tensor) {
    values = gatherLasting(data);
    shape = [...data.shape];
  } else if (typeof data === 'number' || typeof data === 'boolean') {
    values = Float32Array.of(Number(data));
    shape = [];
  } else if (ArrayBuffer.isView(data)) {
    values = copyLasting(data as unknown as ArrayLike<number>);
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
  const data = allocLasting(numelOf(shape));
  if (value !== 0) data.fill(value);
  return withGrad(Tensor._fromData(data, shape), options);
}

export function zeros(...args: SizeArgs<CreationOptions>): Tensor {
  return filled(args, 0, 'zeros');
}

export function ones(...args: SizeArgs<CreationOptions>): Tensor {
  return filled(args, 1, 'ones');
}

/** Uninitialised memory in PyTorch; zeros here (there is no cheaper allocation in JS). */
export function empty(...args: SizeArgs<CreationOptions>): Tensor {
  return filled(args, 0, 'empty');
}

export function full(
  size: readonly number[],
  value: number,
  options: CreationOptions = {},
): Tensor {
  if (typeof value !== 'number')
    throw new TypeError(`full: fill value must be a number, got ${describe(value)}`);
  return filled([size, options], value, 'full');
}

export function zerosLike(t: Tensor, options: CreationOptions = {}): Tensor {
  assertTensor(t, 'zerosLike');
  return filled([t.shape, options], 0, 'zerosLike');
}

export function onesLike(t: Tensor, options: CreationOptions = {}): Tensor {
  assertTensor(t, 'onesLike');
  return filled([t.shape, options], 1, 'onesLike');
}

export function fullLike(t: Tensor, value: number, options: CreationOptions = {}): Tensor {
  assertTensor(t, 'fullLike');
  return full(t.shape, value, options);
}

/** `arange(end)` or `arange(start, end, step = 1)`; values are `start + i * step` computed in double. */
export function arange(
  startOrEnd: number,
  end?: number,
  step = 1,
  options: CreationOptions = {},
): Tensor {
  const start = end === undefined ? 0 : startOrEnd;
  const stop = end === undefined ? startOrEnd : end;
  for (const [name, v] of [
    ['start', start],
    ['end', stop],
    ['step', step],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new RangeError(`arange: ${name} must be a finite number, got ${v}`);
  }
  if (step === 0) throw new RangeError('arange: step must be nonzero');
  if ((step > 0 && stop < start) || (step < 0 && stop > start)) {
    throw new RangeError(
      `arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${stop}, step=${step})`,
    );
  }
  const n = Math.ceil((stop - start) / step);
  const data = allocLasting(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return withGrad(Tensor._fromData(data, [n]), options);
}

/**
 * `steps` evenly spaced values from `start` to `end`, in float32 exactly as PyTorch's CPU kernel:
 * the first half counts up from `start`, the second half down from `end`; runs of 16 are filled as
 * two 8-lane vectors (`base + j * step` from a fused base), the rest element by element (fused).
 */
export function linspace(
  start: number,
  end: number,
  steps: number,
  options: CreationOptions = {},
): Tensor {
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`linspace: number of steps must be non-negative, got ${steps}`);
  }
  const f = Math.fround;
  const data = allocLasting(steps);
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

export function eye(n: number, m: number = n, options: CreationOptions = {}): Tensor {
  checkShape([n, m], 'eye');
  const data = allocLasting(n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return withGrad(Tensor._fromData(data, [n, m]), options);
}

export type { NestedArray };
