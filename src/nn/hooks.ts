/**
 * Module hooks: the handle that removes one, and the wiring of full backward hooks (gradients
 * with respect to a module call's inputs and outputs, captured by identity views whose gradient
 * hooks fire during backward).
 */
import { Tensor, describe } from '../tensor/tensor.js';
import { checkOptions } from '../tensor/options.js';
import type { Module } from './module.js';

/** `hook(module, inputs)`: return an array (or a single value) to replace the inputs. */
export type ForwardPreHook<M = Module> = (module: M, inputs: unknown[]) => unknown;
/** `hook(module, inputs, output)`: return a value to replace the output. */
export type ForwardHook<M = Module> = (module: M, inputs: unknown[], output: unknown) => unknown;
/**
 * `hook(module, gradInput, gradOutput)`: return an array to replace the gradients with respect
 * to the inputs.
 */
export type FullBackwardHook<M = Module> = (
  module: M,
  gradInput: Array<Tensor | null>,
  gradOutput: Array<Tensor | null>,
) => Array<Tensor | null> | void | undefined;

/** Options of the hook registration methods. */
export interface HookOptions {
  /** Run this hook before the ones already registered (default false). */
  prepend?: boolean;
}

let nextHookId = 0;

/** What a hook registration returns; `remove()` unregisters the hook (idempotent). */
export class RemovableHandle {
  /** A process-wide unique id of the hook. */
  readonly id: number;
  private readonly dict: Map<number, unknown>;

  /**
   * Made by the `register*Hook` methods; you get one back rather than construct it.
   *
   * @param dict - The map the hook lives in.
   * @param id - The hook's key in `dict`.
   */
  constructor(dict: Map<number, unknown>, id: number) {
    this.dict = dict;
    this.id = id;
  }

  /** Unregisters the hook; calling it again does nothing. */
  remove(): void {
    this.dict.delete(this.id);
  }
}

/** Adds `hook` to `dict` (at the front with `prepend`) and returns its handle. */
export function addHook<H>(
  fn: string,
  dict: Map<number, H>,
  hook: H,
  options?: HookOptions,
): RemovableHandle {
  if (typeof hook !== 'function') {
    throw new TypeError(`${fn}: expected a function, got ${describe(hook)}`);
  }
  const { prepend = false } = checkOptions<HookOptions>(fn, options, { prepend: 'boolean' });
  const id = nextHookId++;
  if (prepend) {
    const rest = [...dict.entries()];
    dict.clear();
    dict.set(id, hook);
    for (const [k, v] of rest) dict.set(k, v);
  } else dict.set(id, hook);
  return new RemovableHandle(dict as Map<number, unknown>, id);
}

/** An identity view of `t` (same storage) with its own graph node, whose gradient we can hook. */
function identity(t: Tensor): Tensor {
  return t.view(t.shape as number[]);
}

/** The gradients of one module call, collected during backward, and the hooks to run on them. */
export class BackwardHookState<M extends Module> {
  private gradInputs: Array<Tensor | null> = [];
  private gradOutputs: Array<Tensor | null> = [];
  private expectedInputs = 0;
  private receivedInputs = 0;
  private expectedOutputs = 0;
  private receivedOutputs = 0;

  /**
   * @param module - The module being called.
   * @param hooks - Its full backward hooks at call time.
   */
  constructor(
    private readonly module: M,
    private readonly hooks: ReadonlyArray<FullBackwardHook<M>>,
  ) {}

  private run(): Array<Tensor | null> {
    let grads = this.gradInputs;
    for (const hook of this.hooks) {
      const result = hook(this.module, [...grads], [...this.gradOutputs]);
      if (result !== undefined) {
        if (!Array.isArray(result) || result.length !== grads.length) {
          throw new TypeError(
            `backward hook returned ${describe(result)}; expected an array of ${grads.length} gradients`,
          );
        }
        grads = result;
      }
    }
    return grads;
  }

  /** Replaces each input tensor that requires grad by an identity view whose gradient is hooked. */
  setupInputs(args: unknown[]): unknown[] {
    this.gradInputs = args.map(() => null);
    return args.map((a, i) => {
      if (!(a instanceof Tensor) || !a.requiresGrad) return a;
      this.expectedInputs++;
      const wrapped = identity(a);
      wrapped.registerHook((g) => {
        this.gradInputs[i] = g;
        this.receivedInputs++;
        if (this.receivedInputs !== this.expectedInputs) return undefined;
        const replaced = this.run()[i];
        return replaced === null ? g.mul(0) : replaced;
      });
      return wrapped;
    });
  }

  /** Hooks the gradient of each output tensor (a tensor, or an array of them). */
  setupOutputs(output: unknown): unknown {
    const list = Array.isArray(output) ? output : [output];
    this.gradOutputs = list.map(() => null);
    const wrapped = list.map((o, i) => {
      if (!(o instanceof Tensor) || !o.requiresGrad) return o;
      this.expectedOutputs++;
      const w = identity(o);
      w.registerHook((g) => {
        this.gradOutputs[i] = g;
        this.receivedOutputs++;
        // No input needs a gradient: the hooks run now, with every gradInput null (PyTorch).
        if (this.receivedOutputs === this.expectedOutputs && this.expectedInputs === 0) this.run();
        return undefined;
      });
      return w;
    });
    return Array.isArray(output) ? wrapped : wrapped[0];
  }
}
