import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { isGradEnabled } from './grad-mode.js';

/**
 * Local derivative of one op: given the gradient of its output, the tensors it saved (null in
 * slots it chose not to save) and which inputs need a gradient, return one gradient per input
 * (or null). Backward functions take tensors only from `saved`, never from the closure, so that
 * releasing the graph frees them.
 */
export type BackwardFn = (
  grad: Tensor,
  saved: ReadonlyArray<Tensor | null>,
  needs: readonly boolean[],
) => ReadonlyArray<Tensor | null>;

/**
 * A gradient hook (see `Tensor.registerHook`): called with the gradient flowing into a tensor;
 * return a tensor to replace that gradient, or nothing to keep it.
 */
export type GradHook = (grad: Tensor) => Tensor | void | undefined;

interface SavedTensor {
  tensor: Tensor | null;
  version: number;
  /**
   * For a saved output, the op that produced it, named at save time (null for saved inputs, which
   * are named by their gradFn when the error is raised — after an in-place op, that op — as
   * PyTorch does).
   */
  outputOf: string | null;
}

const FREED_MESSAGE =
  'Trying to backward through the graph a second time (or directly access saved tensors after ' +
  'they have already been freed). Saved intermediate values of the graph are freed when you call ' +
  '.backward(). Specify retainGraph: true if you need to backward through the graph a second time ' +
  'or if you need to access saved tensors after calling backward.';

/**
 * One recorded operation in the autograd graph: PyTorch's `grad_fn`. A non-leaf tensor's
 * `gradFn` is the node that produced it; `backward()` walks these nodes from the output to the
 * leaves. Nodes are made by the ops; you read them rather than construct them.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2], { requiresGrad: true });
 * x.mul(2).sum().gradFn?.name; // 'SumBackward0'
 * ```
 */
export class Node {
  /** Hooks registered on the op's output tensor; they may replace the incoming gradient. */
  readonly hooks: GradHook[] = [];
  /** The output tensor when it asked for `retainGrad()`. */
  retained: Tensor | null = null;
  /**
   * The node behind each input at the time the op ran (null for leaves and non-grad inputs). Grads
   * flow along these, not along the inputs' current gradFn: an in-place op that later rebases an
   * input's history must not change how this op's gradient reaches the input's earlier value.
   */
  readonly inputNodes: ReadonlyArray<Node | null>;
  private saved: SavedTensor[] | null;
  private readonly savedCount: number;

  /**
   * Made by the ops when they record their output (users rarely call this).
   *
   * @param name - PyTorch's name for the node, e.g. `'MulBackward0'`.
   * @param inputs - The op's inputs that require grad, `null` for the others.
   * @param saved - The tensors the derivative needs, checked for in-place modification at backward.
   * @param backwardFn - The local derivative: output gradient to one gradient per input.
   * @param output - The op's output when it is among `saved` (for error messages), default `null`.
   */
  constructor(
    /** PyTorch's name for this node (`'AddBackward0'`, `'MmBackward0'`, …). */
    readonly name: string,
    /** The op's inputs that require grad, null for the others; grads flow back along these. */
    readonly inputs: ReadonlyArray<Tensor | null>,
    saved: ReadonlyArray<Tensor | null>,
    private readonly backwardFn: BackwardFn,
    output: Tensor | null = null,
  ) {
    this.saved = saved.map((tensor) => {
      // A saved tensor's memory is read by backward: Tensor.dispose() must not give it back.
      if (tensor) tensor._storage.saves++;
      return {
        tensor,
        version: tensor ? tensor._storage.version : 0,
        outputOf: tensor === output ? name : null,
      };
    });
    this.savedCount = saved.length;
    this.inputNodes = inputs.map((t) => t?.gradFn ?? null);
  }

  /**
   * Runs the local derivative after checking that no saved tensor was freed or modified.
   *
   * @param grad - The gradient of the op's output.
   * @returns One gradient per input (`null` where none is needed).
   * @throws Error if the saved tensors were freed by an earlier backward or modified in place
   *   since.
   */
  apply(grad: Tensor): ReadonlyArray<Tensor | null> {
    if (this.saved === null) {
      if (this.savedCount > 0) throw new Error(FREED_MESSAGE);
      return this.backwardFn(grad, [], this.needs());
    }
    const tensors = this.saved.map(({ tensor, version, outputOf }) => {
      if (tensor && tensor._storage.version !== version) {
        const op = outputOf ?? tensor.gradFn?.name;
        const producer = op ? `, which is output 0 of ${op},` : '';
        throw new Error(
          'one of the variables needed for gradient computation has been modified by an inplace ' +
            `operation: [Tensor ${formatShape(tensor.shape)}]${producer} is at version ` +
            `${tensor._storage.version}; expected version ${version} instead.`,
        );
      }
      return tensor;
    });
    return this.backwardFn(grad, tensors, this.needs());
  }

  /**
   * After an in-place op wrote its result into `to` (self), the tensor it saved as its output is
   * `to`, at `to`'s current version: PyTorch saves self itself, so a later in-place write to self
   * makes backward fail instead of silently using the old values.
   *
   * @param from - The tensor saved as the output.
   * @param to - The tensor the output was written into.
   */
  rebindSavedOutput(from: Tensor, to: Tensor): void {
    if (this.saved === null) return;
    for (const entry of this.saved) {
      if (entry.tensor === from) {
        from._storage.saves--;
        to._storage.saves++;
        entry.tensor = to;
        entry.version = to._storage.version;
      }
    }
  }

  private needs(): boolean[] {
    return this.inputs.map((t) => t !== null);
  }

  /** Frees the saved tensors (what `retainGraph: false` does after a backward pass). */
  release(): void {
    if (this.saved !== null)
      for (const { tensor } of this.saved) if (tensor) tensor._storage.saves--;
    this.saved = null;
  }

  /**
   * The node as PyTorch prints a `grad_fn`, e.g. `<MulBackward0>`.
   *
   * @returns The name in angle brackets.
   */
  toString(): string {
    return `<${this.name}>`;
  }
}

/**
 * Records `output` as produced by an op when grad mode is on and any input requires grad.
 * `save` lists the tensors the backward function needs (captured with their version).
 */
export function record(
  output: Tensor,
  name: string,
  inputs: ReadonlyArray<Tensor>,
  backward: BackwardFn,
  save: ReadonlyArray<Tensor | null> = [],
): Tensor {
  if (!isGradEnabled()) return output;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) any = true;
  if (!any) return output;
  const edges = inputs.map((t) => (t.requiresGrad ? t : null));
  output._setHistory(new Node(name, edges, save, backward, output));
  return output;
}

/**
 * Gives back the memory of `temps`, tensors an op made for its own use, when `output` carries no
 * graph (no gradient wanted): nothing can read them then, and a loop that never yields would
 * otherwise leave them to the collector and fault in new memory on its next call. With a graph
 * they may be saved for backward, and are left alone.
 *
 * @param output - The op's result, returned as it is.
 * @param temps - Tensors the op made and does not return (never its inputs).
 * @returns `output`.
 */
export function releaseUnsaved(output: Tensor, ...temps: Tensor[]): Tensor {
  if (output.gradFn === null) for (const t of temps) if (t !== output) t.dispose();
  return output;
}
