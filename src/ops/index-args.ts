/** Reading index arguments: float32 tensors holding integers, or plain number arrays. */
import { Tensor, describe } from '../tensor/tensor.js';
import { sameShape, type Shape } from '../tensor/shape.js';

/** An index argument read into plain integers, with its shape. */
export interface IndexArray {
  readonly shape: Shape;
  /** Read-only: for a Tensor index this is the tensor's own memory when it is contiguous. */
  readonly data: Float32Array | Float64Array;
}

/** The shape of a nested array, checking that it is rectangular (a RangeError naming `arg` if not). */
export function nestedShape(value: unknown, op: string, arg: string): number[] {
  if (!Array.isArray(value)) return [];
  if (value.length === 0) return [0];
  const inner = nestedShape(value[0], op, arg);
  for (const v of value) {
    const s = nestedShape(v, op, arg);
    if (!sameShape(s, inner))
      throw new RangeError(`${op}: ${arg} must be a rectangular array, got ragged nesting`);
  }
  return [value.length, ...inner];
}

/** Reads `index` (a Tensor or a nested number array) as integers; non-integers throw. */
export function readIndex(index: unknown, op: string, arg = 'index'): IndexArray {
  let shape: number[];
  let data: Float32Array | Float64Array;
  if (index instanceof Tensor) {
    shape = [...index.shape];
    // Read in place (no copy): every caller only reads it, and before the op returns.
    data = index._contiguousData();
  } else if (Array.isArray(index)) {
    shape = nestedShape(index, op, arg);
    const flat = (index as unknown[]).flat(Infinity);
    data = new Float64Array(flat.length);
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (typeof v !== 'number')
        throw new TypeError(`${op}: ${arg} must hold numbers, got ${describe(v)}`);
      data[i] = v;
    }
  } else {
    throw new TypeError(
      `${op}: ${arg} must be a Tensor or an array of integers, got ${describe(index)}`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v)) {
      throw new TypeError(
        `${op}(): Expected dtype int64 for ${arg}: it must hold integers, got the value ${v}`,
      );
    }
  }
  return { shape, data };
}

/** Checks each index against `size` and wraps negatives when `wrap`; the message names op and dim. */
export function checkBounds(
  idx: IndexArray,
  size: number,
  dim: number,
  op: string,
  wrap: boolean,
): Int32Array {
  const data = idx.data;
  const n = data.length;
  const out = new Int32Array(n);
  const low = wrap ? -size : 0;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (!(v >= low && v < size)) throw outOfBounds(op, v, dim, size);
    out[i] = (v < 0 ? v + size : v) | 0;
  }
  return out;
}

/** PyTorch's IndexError for an index outside its dim (returned, for the caller to throw). */
export function outOfBounds(op: string, index: number, dim: number, size: number): RangeError {
  return new RangeError(
    `${op}(): index ${index} is out of bounds for dimension ${dim} with size ${size}`,
  );
}

/** Whether `shape` broadcasts to exactly `target` (numpy rules, target unchanged). */
export function broadcastsTo(shape: Shape, target: Shape): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  return shape.every((d, i) => d === 1 || d === target[lead + i]);
}
