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
  /** The probability of zeroing each element in training mode. */
  readonly p: number;

  /**
   * Creates the layer, as `nn.Dropout(p=0.5)`.
   *
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

  /**
   * In training mode zeroes each element with probability `p` and scales the rest by `1 / (1 - p)`,
   * drawing from the default generator as PyTorch does; in evaluation mode returns `input`.
   *
   * @param input - Any tensor.
   * @returns The result (the input itself in evaluation mode).
   */
  forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
