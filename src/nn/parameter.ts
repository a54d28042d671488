import { Tensor, describe } from '../tensor/tensor.js';

/** A tensor that a Module registers as a learnable parameter. Shares memory with the tensor it wraps. */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor))
      throw new TypeError(`Parameter: expected a Tensor, got ${describe(data)}`);
    super(data._storage, data.shape, data.strides, data.offset);
    // Wrapping a view: the parameter shares its root's memory, not its history (a detached alias).
    this._base = data._base;
    this._isAlias = data._base !== null;
    this.requiresGrad_(requiresGrad);
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
