import { shapeFromArgs } from './shape.js';

export interface CreationOptions {
  requiresGrad?: boolean;
}

/** Sizes as `f(2, 3)`, `f([2, 3])`, optionally followed by an options object. */
export type SizeArgs<O> = Array<number | readonly number[] | O>;

function isOptions(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function creationArgs<O extends CreationOptions>(
  args: SizeArgs<O>,
  op: string,
): { shape: number[]; options: O } {
  const last = args[args.length - 1];
  const hasOptions = args.length > 0 && isOptions(last);
  const sizes = (hasOptions ? args.slice(0, -1) : args) as Array<number | readonly number[]>;
  const options = (hasOptions ? last : {}) as O;
  return { shape: shapeFromArgs(sizes, op), options };
}
