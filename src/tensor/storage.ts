/**
 * The memory behind one or more tensors. Views and detached aliases share a Storage, and so
 * share its version counter: every in-place write bumps it, which is how autograd notices that a
 * tensor saved for backward was modified (PyTorch's `_version`).
 */
export class Storage {
  version = 0;
  constructor(public readonly data: Float32Array) {}
}
