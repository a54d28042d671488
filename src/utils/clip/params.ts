import { Tensor, describe } from '../../tensor/tensor.js';

/** A tensor, or any iterable of tensors (arrays, generators, `module.parameters()`). */
export type TensorOrTensors = Tensor | Iterable<Tensor>;

/** Materialises `parameters` once (so a generator can be read twice), checking every element. */
export function tensorList(parameters: TensorOrTensors, op: string): Tensor[] {
  if (parameters instanceof Tensor) return [parameters];
  if (parameters === null || typeof parameters !== 'object' || !(Symbol.iterator in parameters)) {
    throw new TypeError(
      `${op}: expected a Tensor or an iterable of Tensors, got ${describe(parameters)}`,
    );
  }
  const list = Array.from(parameters);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor))
      throw new TypeError(`${op}: element ${i} is ${describe(t)}, not a Tensor`);
  });
  return list;
}

/** The gradients of `params` that exist: parameters whose grad is null are skipped. */
export function gradsOf(params: readonly Tensor[]): Tensor[] {
  const out: Tensor[] = [];
  for (const p of params) if (p.grad !== null) out.push(p.grad);
  return out;
}
