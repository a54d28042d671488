import { shapeFromArgs, formatShape } from './shape.js';
import { checkOptions, isOptionsObject, type OptionSpec } from './options.js';

/** Options every creation function accepts. */
export interface CreationOptions {
  /** Record operations on the new tensor for autograd (a leaf). Default false. */
  requiresGrad?: boolean;
}

/** The options every creation function accepts. */
export const CREATION_SPEC: OptionSpec = { requiresGrad: 'boolean' };

/** Sizes as `f(2, 3)` or `f([2, 3])`, optionally followed by an options object of type `O`. */
export type SizeArgs<O> = Array<number | readonly number[] | O>;

/**
 * Splits `f(...sizes, options?)` into a checked shape and checked options.
 * @param args - What the caller passed.
 * @param op - The public function's name, for messages.
 * @param spec - The options it accepts (default `{ requiresGrad }`).
 * @returns The shape and the options (`{}` when absent).
 * @throws TypeError for a size that is not a number or an unknown or mistyped option; RangeError
 *   for a negative or fractional size.
 */
export function creationArgs<O extends CreationOptions>(
  args: SizeArgs<O>,
  op: string,
  spec: OptionSpec = CREATION_SPEC,
): { shape: number[]; options: O } {
  const last = args[args.length - 1];
  const hasOptions = args.length > 0 && isOptionsObject(last);
  const sizes = (hasOptions ? args.slice(0, -1) : args) as Array<number | readonly number[]>;
  const options = checkOptions<O>(op, hasOptions ? last : undefined, spec);
  return { shape: shapeFromArgs(sizes, op), options };
}

/**
 * Allocates the memory of a new tensor with `allocate`, turning the engine's bare
 * "Invalid typed array length" into an error that names the function and the shape.
 */
export function allocFor(
  op: string,
  shape: readonly number[],
  n: number,
  allocate: (n: number) => Float32Array,
): Float32Array {
  try {
    return allocate(n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new RangeError(
      `${op}: cannot allocate a tensor of shape ${formatShape(shape)} (${n} elements): ${e.message}`,
      { cause: e },
    );
  }
}
