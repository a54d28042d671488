/** What a released storage holds: reading or writing it throws (see `Storage.data`). */
const RELEASED = /* @__PURE__ */ new Float32Array(0);

/**
 * The memory behind one or more tensors. Views and detached aliases share a Storage, and so
 * share its version counter: every in-place write bumps it, which is how autograd notices that a
 * tensor saved for backward was modified (PyTorch's `_version`).
 */
let born = 0;

/** How many storages were made so far: a storage made after this reading has a higher `birth`. */
export function storagesMade(): number {
  return born;
}

/** Where new storages are listed while `storagesMadeBy` runs (null otherwise). */
let listing: Storage[] | null = null;

/**
 * Runs `fn` and lists the storages it made (the autograd engine gives back the ones a backward
 * formula made and dropped).
 */
export function storagesMadeBy<T>(fn: () => T): [T, Storage[]] {
  const outer = listing;
  const list: Storage[] = (listing = []);
  try {
    return [fn(), list];
  } finally {
    listing = outer;
  }
}

export class Storage {
  version = 0;
  /** The order of this storage's making (see storagesMade). */
  readonly birth = born++;
  /** Tensor objects made on this storage (the tensor itself, its views and aliases). */
  users = 0;
  /** Tensors on this storage that autograd holds for a backward pass not yet run. */
  saves = 0;
  /** Set for good once another storage shares the array (`.data`). */
  shared = false;
  /** Holds the array; a storage made by `sharing` holds the same cell, so both see `replace`. */
  private cell: { data: Float32Array };
  constructor(data: Float32Array) {
    this.cell = { data };
    listing?.push(this);
  }
  /** A storage on the same memory as `other`, with a version counter of its own (`.data`). */
  static sharing(other: Storage): Storage {
    const s = new Storage(RELEASED);
    s.cell = other.cell;
    return s;
  }
  /** The elements. Throws once `release()` gave the memory back. */
  get data(): Float32Array {
    const data = this.cell.data;
    if (data === RELEASED) {
      throw new Error(
        'this tensor was disposed: dispose() gave its memory back, so it can no longer be read or written',
      );
    }
    return data;
  }
  /** Moves the elements to `copy` (same values), e.g. out of the arena before they leave as a view. */
  replace(copy: Float32Array): void {
    this.cell.data = copy;
  }
  /** Forgets the memory (after `dispose()` returned it): any later access throws. */
  release(): Float32Array {
    const d = this.cell.data;
    this.cell.data = RELEASED;
    return d;
  }
  /**
   * Whether anything other than its tensors may read the memory (a pending backward pass, another
   * storage): `Tensor.dispose()` then leaves it to the garbage collector.
   */
  get pinned(): boolean {
    return this.saves > 0 || this.shared;
  }
  /** Whether `release()` was called. */
  get released(): boolean {
    return this.cell.data === RELEASED;
  }
}
