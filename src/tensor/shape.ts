/** Shape arithmetic shared by every op: no tensors here, only integer lists. */
import { describe } from './tensor.js';

export type Shape = readonly number[];

/** `[2, 3]` prints as PyTorch's `torch.Size` body: `[2, 3]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function numelOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Largest element count a tensor may have (the largest exact integer; memory runs out first). */
const MAX_NUMEL = Number.MAX_SAFE_INTEGER;

/**
 * Checks a shape: every size a non-negative integer, and a representable element count.
 * @throws TypeError for a size that is not a number; RangeError for a negative or fractional size.
 */
export function checkShape(shape: Shape, op: string): number[] {
  if (!Array.isArray(shape))
    throw new TypeError(`${op}: expected a shape (an array of sizes), got ${describe(shape)}`);
  const out: number[] = [];
  let numel = 1;
  shape.forEach((d: unknown, i) => {
    if (typeof d !== 'number') {
      throw new TypeError(
        `${op}: invalid shape: size at dim ${i} must be a number, got ${describe(d)}`,
      );
    }
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `${op}: invalid shape ${formatShape(shape)}: sizes must be non-negative integers, got ${d} at dim ${i}`,
      );
    }
    numel *= d;
    out.push(d);
  });
  if (numel > MAX_NUMEL) {
    throw new RangeError(
      `${op}: invalid shape ${formatShape(out)}: ${numel} elements is more than any tensor can hold`,
    );
  }
  return out;
}

/** Accepts both `f(2, 3)` and `f([2, 3])`, as PyTorch does. */
export function shapeFromArgs(
  args: ReadonlyArray<number | readonly number[]>,
  op: string,
): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return checkShape(args[0] as number[], op);
  args.forEach((a, i) => {
    if (typeof a !== 'number') {
      throw new TypeError(
        `${op}: expected sizes as numbers or one array of numbers, got ${describe(a)} at position ${i}`,
      );
    }
  });
  return checkShape(args as number[], op);
}

/**
 * Checks an integer argument.
 * @param value - What the caller passed.
 * @param op - The public function's name, for the message.
 * @param arg - The argument's name (default `'dim'`).
 * @returns `value`, typed.
 * @throws TypeError naming the function and the argument (`'cumsum: dim must be an integer, got
 *   the number 1.5'`) when `value` is not an integer.
 */
export function checkInteger(value: unknown, op: string, arg = 'dim'): number {
  if (!Number.isInteger(value))
    throw new TypeError(`${op}: ${arg} must be an integer, got ${describe(value)}`);
  return value as number;
}

/** Checks a positional-or-options boolean argument (a TypeError naming the op and the argument). */
export function checkBool(value: unknown, op: string, arg: string): asserts value is boolean {
  if (typeof value !== 'boolean')
    throw new TypeError(`${op}: ${arg} must be a boolean, got ${describe(value)}`);
}

/** Wraps a possibly negative dim into `[0, ndim)`; 0-d tensors accept dims -1 and 0 like PyTorch. */
export function normalizeDim(dim: number, ndim: number, op: string): number {
  const rank = Math.max(ndim, 1);
  checkInteger(dim, op);
  if (dim < -rank || dim >= rank) {
    throw new RangeError(
      `${op}: dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + rank : dim;
}

/** Normalised, sorted, de-duplicated reduction dims; `undefined` or `[]` means all dims. */
export function normalizeDims(
  dim: number | readonly number[] | undefined,
  ndim: number,
  op: string,
): number[] {
  if (dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof dim !== 'number' && !Array.isArray(dim)) {
    throw new TypeError(
      `${op}: dim must be an integer or a list of integers, got ${describe(dim)}`,
    );
  }
  const list = typeof dim === 'number' ? [dim] : [...dim];
  if (list.length === 0) return Array.from({ length: ndim }, (_, i) => i);
  const seen = new Set<number>();
  for (const d of list) {
    const n = normalizeDim(d, ndim, op);
    if (seen.has(n))
      throw new RangeError(`${op}: dim ${n} appears multiple times in the list of dims`);
    seen.add(n);
  }
  return [...seen].filter((d) => d < ndim).sort((a, b) => a - b);
}

export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together ` +
          `(size ${da} vs ${db} at dimension ${i})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves one `-1` entry of a requested view shape against `numel`. */
export function inferShape(requested: Shape, numel: number, op: string): number[] {
  let infer = -1;
  let known = 1;
  requested.forEach((d, i) => {
    if (d === -1) {
      if (infer !== -1) throw new RangeError(`${op}: only one dimension can be inferred`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: invalid shape dimension ${d} in ${formatShape(requested)}`);
    } else known *= d;
  });
  const out = [...requested];
  // With a -1, the known sizes must divide numel (and its size is the quotient); without, match it.
  if (infer === -1 ? known !== numel : known === 0 || numel % known !== 0) {
    throw new RangeError(
      `${op}: shape '${formatShape(requested)}' is invalid for input of size ${numel}`,
    );
  }
  if (infer !== -1) out[infer] = numel / known;
  return out;
}
