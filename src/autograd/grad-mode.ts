/** Global grad mode: when off, ops record no graph (PyTorch's `torch.no_grad`). */
let gradEnabled = true;

/**
 * Whether operations currently record the autograd graph, as `torch.is_grad_enabled`.
 *
 * @returns `false` inside {@link noGrad} (or after `setGradEnabled(false)`), otherwise `true`.
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Turns graph recording on or off globally, as `torch.set_grad_enabled`. Prefer {@link noGrad},
 * which restores the previous mode even when its function throws.
 *
 * @param enabled - `true` to record operations for autograd, `false` not to.
 */
export function setGradEnabled(enabled: boolean): void {
  gradEnabled = enabled;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Runs `fn` with graph recording off and returns its result, as `with torch.no_grad():`. Use it for
 * evaluation and for updating parameters by hand. The previous mode is restored afterwards, also
 * when `fn` throws.
 *
 * @param fn - The code to run.
 * @returns What `fn` returns.
 * @example
 * ```ts
 * const w = tensor([1, 2], { requiresGrad: true });
 * w.mul(w).sum().backward();
 * noGrad(() => w.sub_(w.grad!.mul(0.1))); // an update the graph does not record
 * const y = noGrad(() => w.mul(2));        // y.requiresGrad === false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/**
 * Runs `fn` with graph recording on, also inside a {@link noGrad} block, as `torch.enable_grad`.
 *
 * @param fn - The code to run.
 * @returns What `fn` returns.
 */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
