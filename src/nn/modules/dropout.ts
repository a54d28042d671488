/** `Dropout`: dropout as a layer, active in training mode only. */
import type { Tensor } from '../../tensor/tensor.js';
import { describe } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { dropout } from '../functional/dropout.js';

/**
 * Dropout layer: `torch.nn.Dropout`. Active in training mode only.
 *
 * @example
 * const drop = new Dropout(0.1);
 * drop.eval(); // now the identity
 */
export class Dropout extends Module {
  readonly p: number;

  /**
   * @param p - Drop probability (default 0.5).
   * @throws RangeError when p is outside [0, 1].
   */
  constructor(p = 0.5) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      throw new RangeError(
        `Dropout: dropout probability has to be between 0 and 1, but got ${describe(p)}`,
      );
    this.p = p;
  }

  forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
