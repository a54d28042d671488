/**
 * The total gradient norm `Optimizer.lastGradNorm` reports, computed when it is first read rather
 * than inside every `step()`: a step that nothing clips needs no norm, and the pass over every
 * gradient cost a third of an SGD-with-momentum step on 1e6 parameters. The step's gradients are
 * kept (with their storages' version counters) until the norm is read or the next step runs, so
 * the value is the one the step would have computed, bit for bit. If they changed in between (an
 * in-place write, `dispose()`, an alias through `.data`), reading throws instead of measuring
 * something else.
 */
import { noGrad } from '../autograd/grad-mode.js';
import type { Storage } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import { getTotalNorm } from '../utils/clip/index.js';
import { quietly } from '../utils/clip/pitfalls.js';

/** The float32 total 2-norm of `grads`, as `step()` records it. */
export function stepGradNorm(grads: Tensor[]): number {
  return noGrad(() => quietly(() => getTotalNorm(grads, 2).item()));
}

/** A step's gradients whose total norm has not been computed yet. */
export class PendingGradNorm {
  private readonly storages: Storage[];
  private readonly versions: number[];

  /**
   * @param grads - The gradients the step used, in the order `getTotalNorm` takes them.
   */
  private constructor(private readonly grads: Tensor[]) {
    this.storages = grads.map((g) => g._storage);
    this.versions = this.storages.map((s) => s.version);
  }

  /**
   * A pending norm over `grads`, or null when one of them may change unseen (its memory is
   * shared with another storage, whose writes its version counter does not count): the caller
   * computes the norm at once then.
   *
   * @param grads - The step's gradients.
   * @returns The pending norm, or null.
   */
  static of(grads: Tensor[]): PendingGradNorm | null {
    return grads.some((g) => g._storage.shared) ? null : new PendingGradNorm(grads);
  }

  /** Whether every gradient still holds the values the step used. */
  intact(): boolean {
    return this.grads.every((g, i) => {
      const s = g._storage;
      return s === this.storages[i] && !s.released && !s.shared && s.version === this.versions[i];
    });
  }

  /**
   * The norm, as `step()` would have recorded it.
   *
   * @param owner - The optimizer's name, for the message.
   * @returns The float32 total 2-norm of the step's gradients.
   * @throws Error when a gradient changed since the step (see the module comment).
   */
  compute(owner: string): number {
    if (!this.intact()) {
      throw new Error(
        `${owner}.lastGradNorm: a gradient of the last step() was changed in place, disposed or ` +
          "aliased (.data) before the norm was read, so the step's norm can no longer be " +
          'measured; read lastGradNorm before changing the gradients (optimizer.zeroGrad() ' +
          'keeps it, or set a clipping option, which records it inside step())',
      );
    }
    return stepGradNorm(this.grads);
  }
}
