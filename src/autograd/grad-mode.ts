/** Global grad mode: when off, ops record no graph (PyTorch's `torch.no_grad`). */
let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

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

/** Runs `fn` with graph recording off and returns its result. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with graph recording on (inside a `noGrad` block, too). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
