/**
 * What clipping functions accept as "the parameters", and how they read it. PyTorch's own
 * functions take a tensor or an iterable of tensors; the methods beyond PyTorch also take a
 * module (anything with `parameters()`) and optimizer-style parameter groups (`{ params }[]`).
 * Modules are duck-typed so that nothing here imports `nn/` (no import cycle).
 */
import { Tensor, describe } from '../../tensor/tensor.js';
import { hasInternalOverlap } from '../../ops/foreach.js';

/** A tensor, or any iterable of tensors (arrays, generators, `module.parameters()`). */
export type TensorOrTensors = Tensor | Iterable<Tensor>;

/** Anything with a `parameters()` method returning tensors: an `nn.Module`, a model wrapper. */
export interface ModuleLike {
  /**
   * The module's parameters.
   *
   * @returns The tensors.
   */
  parameters(): Iterable<Tensor>;
  /**
   * When present, names the parameters (`gradNorms` keys).
   *
   * @returns `[name, tensor]` pairs.
   */
  namedParameters?(): Iterable<[string, Tensor]>;
}

/** A parameter group as optimizers hold them: `{ params, ...options }`. */
export interface ParamGroupLike {
  /** The group's tensors: one tensor or an iterable of them. */
  params: Iterable<Tensor> | Tensor;
}

/** What the clipping methods beyond PyTorch accept: a module, tensors, or parameter groups. */
export type ParametersLike = ModuleLike | TensorOrTensors | Iterable<ParamGroupLike>;

/**
 * Materialises `parameters` once (so a generator can be read twice), checking every element.
 *
 * @param parameters - A tensor or an iterable of tensors.
 * @param op - The public function, for messages.
 * @param name - The argument's name, for messages (default `'parameters'`).
 * @returns The tensors, in order.
 * @throws TypeError naming the function, the argument and the value.
 */
export function tensorList(parameters: TensorOrTensors, op: string, name = 'parameters'): Tensor[] {
  if (parameters instanceof Tensor) return [parameters];
  if (parameters === null || typeof parameters !== 'object' || !(Symbol.iterator in parameters)) {
    throw new TypeError(
      `${op}: ${name} must be a Tensor or an iterable of Tensors, got ${describe(parameters)}`,
    );
  }
  const list = Array.from(parameters);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor))
      throw new TypeError(`${op}: element ${i} of ${name} is ${describe(t)}, not a Tensor`);
  });
  return list;
}

/** The gradients of `params` that exist: parameters whose grad is null are skipped. */
export function gradsOf(params: readonly Tensor[]): Tensor[] {
  const out: Tensor[] = [];
  for (const p of params) if (p.grad !== null) out.push(p.grad);
  return out;
}

/**
 * Refuses, before anything is written, a parameter whose gradient is an expanded tensor (several
 * elements sharing one memory location, `p.grad = tensor(3).expand(4)`): PyTorch refuses in-place
 * writes to such tensors, and scaling one would scale the shared element once per alias.
 *
 * @throws Error naming the function and the parameter's position.
 */
export function assertGradsWritable(params: readonly Tensor[], op: string): void {
  for (let i = 0; i < params.length; i++) {
    const g = params[i].grad;
    if (g !== null && hasInternalOverlap(g)) {
      throw new Error(
        `${op}: the gradient of parameter ${i} (shape [${g.shape.join(', ')}], strides ` +
          `[${g.strides.join(', ')}]) is an expanded tensor (unsupported operation: more than one ` +
          'element of the written-to tensor refers to a single memory location), so it cannot be ' +
          'clipped in place. Give the parameter a gradient of its own memory first: ' +
          'p.grad = p.grad.clone().',
      );
    }
  }
}

function isModuleLike(x: unknown): x is ModuleLike {
  return (
    x !== null &&
    typeof x === 'object' &&
    !(x instanceof Tensor) &&
    typeof (x as { parameters?: unknown }).parameters === 'function'
  );
}

function isGroup(x: unknown): x is ParamGroupLike {
  return x !== null && typeof x === 'object' && !(x instanceof Tensor) && 'params' in x;
}

/**
 * The parameters of a module, a tensor, an iterable of tensors, or an iterable of parameter
 * groups (`{ params }`), flattened in order, each once per appearance.
 *
 * @param source - What the caller passed.
 * @param op - The public function, for messages.
 * @param name - The argument's name, for messages.
 * @returns The tensors, in order.
 * @throws TypeError naming the function, the argument and the value.
 */
export function collectParameters(
  source: unknown,
  op: string,
  name = 'moduleOrParameters',
): Tensor[] {
  if (source instanceof Tensor) return [source];
  if (isModuleLike(source)) return tensorList(source.parameters(), op, `${name}.parameters()`);
  if (source === null || typeof source !== 'object' || !(Symbol.iterator in source)) {
    throw new TypeError(
      `${op}: ${name} must be a Module, a Tensor, an iterable of Tensors or of parameter groups ` +
        `({ params }), got ${describe(source)}`,
    );
  }
  const items = Array.from(source as Iterable<unknown>);
  const out: Tensor[] = [];
  items.forEach((item, i) => {
    if (item instanceof Tensor) out.push(item);
    else if (isGroup(item)) out.push(...tensorList(item.params, op, `${name}[${i}].params`));
    else
      throw new TypeError(
        `${op}: element ${i} of ${name} is ${describe(item)}, not a Tensor or a parameter group`,
      );
  });
  return out;
}

/**
 * Names for the parameters: a module's `namedParameters()` names when it has them, otherwise each
 * parameter's position in the flattened list (`'0'`, `'1'`, …, counted across groups the way an
 * optimizer's state dict numbers them).
 *
 * @returns `[name, parameter]` pairs, in order.
 * @throws TypeError as {@link collectParameters}.
 */
export function namedParametersOf(source: unknown, op: string): Array<[string, Tensor]> {
  if (isModuleLike(source) && typeof source.namedParameters === 'function') {
    const named = Array.from(source.namedParameters());
    named.forEach((entry, i) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !(entry[1] instanceof Tensor))
        throw new TypeError(
          `${op}: element ${i} of namedParameters() is ${describe(entry)}, not a [name, Tensor] pair`,
        );
    });
    return named;
  }
  return collectParameters(source, op).map((p, i) => [String(i), p]);
}
