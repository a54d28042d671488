import { Tensor, describe } from '../tensor/tensor.js';

/**
 * A tensor that a {@link Module} registers as a learnable parameter when assigned to one of its
 * fields, as `nn.Parameter`. It shares memory with the tensor it wraps, is a leaf, and requires
 * grad
 * by default.
 *
 * @example
 * ```ts
 * class Scale extends nn.Module {
 *   w = new nn.Parameter(ones(3));
 *   forward(x: Tensor) { return x.mul(this.w); }
 * }
 * new Scale().parameters().length; // 1
 * ```
 */
export class Parameter extends Tensor {
  /**
   * Wraps `data` as a parameter, as `nn.Parameter(data, requires_grad=True)`.
   *
   * @param data - The tensor to wrap (memory is shared, history is not).
   * @param requiresGrad - Whether the parameter requires grad (default `true`).
   * @throws TypeError if `data` is not a Tensor.
   */
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor))
      throw new TypeError(`Parameter: expected a Tensor, got ${describe(data)}`);
    super(data._storage, data.shape, data.strides, data.offset);
    // Wrapping a view: the parameter shares its root's memory, not its history (a detached alias).
    this._base = data._base;
    this._isAlias = data._base !== null;
    this.requiresGrad_(requiresGrad);
  }

  /**
   * The parameter as PyTorch prints it: `Parameter containing:` and the tensor.
   *
   * @returns The printed form.
   */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
