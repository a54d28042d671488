/**
 * `GradSampleModule`: wraps a model so that every backward pass leaves, on each trainable
 * parameter, `gradSample` — one gradient per example — computed from the layers' activations
 * and the gradients reaching their outputs (forward hooks, and gradient hooks on the outputs), in
 * the same backward pass as the ordinary gradients.
 */
import { Tensor, describe } from '../../../../tensor/tensor.js';
import { isGradEnabled } from '../../../../autograd/grad-mode.js';
import { Module } from '../../../../nn/module.js';
import type { RemovableHandle } from '../../../../nn/hooks.js';
import { ruleFor } from './rules.js';
import {
  instrumentCell,
  instrumentRecurrent,
  isRecurrent,
  type RecurrentLayer,
} from './recurrent.js';
import { RNNCell, LSTMCell, GRUCell } from '../../../../nn/modules/rnn.js';
import { clearGradSample } from './store.js';

/** How the loss reduces over the batch: `'mean'` (Opacus's default) or `'sum'`. */
export type LossReduction = 'mean' | 'sum';

/** Options of {@link GradSampleModule}. */
export interface GradSampleModuleOptions {
  /** The loss's reduction over the batch (default `'mean'`): with `'mean'` gradients are scaled by the batch size so that each row is that example's own gradient. */
  lossReduction?: LossReduction;
  /** Whether the batch is the first dim of the layers' inputs (default true); recurrent layers follow their own `batchFirst`. */
  batchFirst?: boolean;
}

/** The layers whose parameters get per-sample gradients. */
export const SUPPORTED_LAYERS: readonly string[] = [
  'Linear',
  'Conv1d',
  'Conv2d',
  'Embedding',
  'LayerNorm',
  'RNN',
  'LSTM',
  'GRU',
  'RNNCell',
  'LSTMCell',
  'GRUCell',
];

function ownTrainable(m: Module): Tensor[] {
  return [...m._parameters.values()].filter(
    (p): p is NonNullable<typeof p> => p !== null && p.requiresGrad,
  );
}

/**
 * Throws unless every submodule that owns trainable parameters has a per-sample gradient rule.
 *
 * @param module - The model.
 * @param op - The public function, for messages.
 * @throws Error naming the first module (path and class) without a rule.
 */
export function checkSupported(module: Module, op: string): void {
  for (const [name, m] of module.namedModules()) {
    if (ownTrainable(m).length === 0) continue;
    if (ruleFor(m) !== null || isRecurrent(m)) continue;
    throw new Error(
      `${op}: module '${name === '' ? '(root)' : name}' (${m.constructor.name}) has trainable parameters but no per-sample gradient rule; supported layers: ${SUPPORTED_LAYERS.join(', ')}. Freeze its parameters (requiresGrad_(false)) or replace it (e.g. BatchNorm by LayerNorm)`,
    );
  }
}

/**
 * A model whose backward passes also compute per-sample gradients (Opacus's `GradSampleModule`).
 * Call it with `.call(...)` as the model it wraps; after `loss.backward()` each trainable
 * parameter `p` holds `p.gradSample` of shape `[batch, ...p.shape]`, row i being the gradient of
 * example i's own loss (with `lossReduction: 'mean'` the batch size is multiplied back in).
 * Contributions add up until {@link GradSampleModule.zeroGrad} (or a private optimizer's
 * `zeroGrad`) clears them. Its parameters are the wrapped model's, named `_module.<name>` as
 * in Opacus.
 *
 * @example
 * const gsm = new clipping.GradSampleModule(model);
 * criterion.forward(gsm.call(x), y).backward();
 * model.fc.weight.gradSample; // [batch, out, in]
 */
export class GradSampleModule<M extends Module = Module> extends Module {
  /** The wrapped model. */
  readonly _module: M;
  /** The loss's reduction over the batch. */
  readonly lossReduction: LossReduction;
  /** Whether the batch is the first dim of the layers' inputs. */
  readonly batchFirst: boolean;
  private readonly removers: Array<() => void> = [];
  private hooksEnabled = true;

  /**
   * Wraps `module` so that backward also computes per-sample gradients (`grad_sample`), as Opacus's
   * `GradSampleModule`.
   *
   * @param module - The model to wrap.
   * @param options - `{ lossReduction = 'mean', batchFirst = true }`.
   * @throws Error when a layer with trainable parameters has no rule; TypeError for a bad argument.
   */
  constructor(module: M, options: GradSampleModuleOptions = {}) {
    super();
    if (!(module instanceof Module))
      throw new TypeError(`GradSampleModule: module must be an nn.Module, got ${describe(module)}`);
    const { lossReduction = 'mean', batchFirst = true } = options;
    if (lossReduction !== 'mean' && lossReduction !== 'sum')
      throw new TypeError(
        `GradSampleModule: lossReduction must be 'mean' or 'sum', got ${describe(lossReduction)}`,
      );
    if (typeof batchFirst !== 'boolean')
      throw new TypeError(
        `GradSampleModule: batchFirst must be a boolean, got ${describe(batchFirst)}`,
      );
    checkSupported(module, 'GradSampleModule');
    this._module = module;
    this.lossReduction = lossReduction;
    this.batchFirst = batchFirst;
    this.addHooks();
  }

  private addHooks(): void {
    for (const m of this._module.modules()) {
      if (ownTrainable(m).length === 0) continue;
      if (m instanceof RNNCell || m instanceof LSTMCell || m instanceof GRUCell) {
        this.removers.push(instrumentCell(m, this.lossReduction));
        continue;
      }
      if (isRecurrent(m)) {
        const restore = instrumentRecurrent(m as RecurrentLayer, this.lossReduction);
        this.removers.push(restore);
        continue;
      }
      const rule = ruleFor(m);
      if (rule === null) continue;
      const handle: RemovableHandle = m.registerForwardHook((layer, inputs, output) => {
        if (!this.hooksEnabled || !isGradEnabled()) return undefined;
        const input = inputs[0];
        if (!(output instanceof Tensor) || !output.requiresGrad || !(input instanceof Tensor))
          return undefined;
        const activations = input.detach();
        output.registerHook((g) => {
          let x = activations;
          let gy = g;
          if (!this.batchFirst) {
            x = x.movedim(1, 0);
            gy = gy.movedim(1, 0);
          }
          const n = x.shape[0];
          if (this.lossReduction === 'mean' && n !== 1) gy = gy.mul(n);
          rule(layer, x, gy);
          return undefined;
        });
        return undefined;
      });
      this.removers.push(() => handle.remove());
    }
  }

  /**
   * Runs the wrapped model (through its `call`, so its own hooks run too).
   *
   * @param inputs - The wrapped model's arguments.
   * @returns The wrapped model's output.
   */
  forward(...inputs: Parameters<M['forward']>): ReturnType<M['forward']> {
    return (this._module.call as (...a: unknown[]) => ReturnType<M['forward']>).apply(
      this._module,
      inputs,
    );
  }

  /** Stops computing per-sample gradients (the model still trains normally) until {@link GradSampleModule.enableHooks}. */
  disableHooks(): void {
    this.hooksEnabled = false;
  }

  /** Resumes computing per-sample gradients. */
  enableHooks(): void {
    this.hooksEnabled = true;
  }

  /** Removes every hook and restores the recurrent layers' own forward; the wrapper is inert afterwards. */
  removeHooks(): void {
    for (const remove of this.removers.splice(0)) remove();
  }

  /**
   * Clears the gradients and the per-sample gradients of every parameter.
   *
   * @param options - `setToNone` (default true): drop gradients instead of zeroing them.
   */
  override zeroGrad(options: { setToNone?: boolean } = {}): void {
    super.zeroGrad(options);
    for (const p of this.parameters()) clearGradSample(p);
  }

  override extraRepr(): string {
    return `loss_reduction=${this.lossReduction}`;
  }
}
