/** PyTorch's checks of optimizer hyper-parameters, with its messages (prefixed by the class). */
import { describe } from '../tensor/tensor.js';

/** Formats a number the way the message shows it. */
function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : describe(v);
}

/**
 * Throws PyTorch's `Invalid <what> value: <v>` (or `Invalid learning rate: <v>`) unless
 * `value >= 0` (NaN fails).
 */
export function requireNonNegative(name: string, what: string, value: unknown): void {
  if (typeof value !== 'number')
    throw new TypeError(`${name}: ${what} must be a number, got ${describe(value)}`);
  if (!(value >= 0)) {
    const label = what === 'lr' ? 'learning rate' : `${what} value`;
    throw new RangeError(`${name}: Invalid ${label}: ${show(value)}`);
  }
}

/** Throws PyTorch's `Invalid beta parameter at index i: v` unless betas are two numbers in [0, 1). */
export function requireBetas(name: string, betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2 || betas.some((b) => typeof b !== 'number')) {
    throw new TypeError(
      `${name}: betas must be two numbers [beta1, beta2], got ${describe(betas)}`,
    );
  }
  betas.forEach((b: number, i) => {
    if (!(b >= 0 && b < 1))
      throw new RangeError(`${name}: Invalid beta parameter at index ${i}: ${show(b)}`);
  });
}
