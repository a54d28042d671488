/**
 * Selection algorithms that reproduce, element for element, the order in which PyTorch's CPU
 * kernels leave tied elements: the classic introsort / introselect / heap-select family that
 * `topk` relies on, and the median-of-three quickselect that `kthvalue` uses. Ties in these
 * algorithms are not stable, so matching PyTorch's indices means running the same steps.
 * Everything works on an array of positions `a`, compared through `less(p, q)`.
 */

type Less = (p: number, q: number) => boolean;

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

const log2Floor = (n: number): number => 31 - Math.clz32(n);

/** Insertion sort of a[first, last). */
function insertionSort(a: Int32Array, first: number, last: number, less: Less): void {
  if (first === last) return;
  for (let i = first + 1; i < last; i++) {
    const v = a[i];
    if (less(v, a[first])) {
      a.copyWithin(first + 1, first, i);
      a[first] = v;
    } else unguardedLinearInsert(a, i, less);
  }
}

function unguardedLinearInsert(a: Int32Array, last: number, less: Less): void {
  const v = a[last];
  let next = last - 1;
  while (less(v, a[next])) {
    a[last] = a[next];
    last = next;
    next--;
  }
  a[last] = v;
}

function moveMedianToFirst(
  a: Int32Array,
  r: number,
  x: number,
  y: number,
  z: number,
  less: Less,
): void {
  if (less(a[x], a[y])) {
    if (less(a[y], a[z])) swap(a, r, y);
    else if (less(a[x], a[z])) swap(a, r, z);
    else swap(a, r, x);
  } else if (less(a[x], a[z])) swap(a, r, x);
  else if (less(a[y], a[z])) swap(a, r, z);
  else swap(a, r, y);
}

function unguardedPartition(
  a: Int32Array,
  first: number,
  last: number,
  pivot: number,
  less: Less,
): number {
  for (;;) {
    while (less(a[first], a[pivot])) first++;
    last--;
    while (less(a[pivot], a[last])) last--;
    if (!(first < last)) return first;
    swap(a, first, last);
    first++;
  }
}

function partitionPivot(a: Int32Array, first: number, last: number, less: Less): number {
  const mid = first + ((last - first) >> 1);
  moveMedianToFirst(a, first, first + 1, mid, last - 1, less);
  return unguardedPartition(a, first + 1, last, first, less);
}

// ---- heaps (max-heaps with respect to `less`) ----------------------------------------------

function pushHeap(
  a: Int32Array,
  base: number,
  hole: number,
  top: number,
  v: number,
  less: Less,
): void {
  let parent = (hole - 1) >> 1;
  while (hole > top && less(a[base + parent], v)) {
    a[base + hole] = a[base + parent];
    hole = parent;
    parent = (hole - 1) >> 1;
  }
  a[base + hole] = v;
}

function adjustHeap(
  a: Int32Array,
  base: number,
  hole: number,
  len: number,
  v: number,
  less: Less,
): void {
  const top = hole;
  let child = hole;
  while (child < (len - 1) >> 1) {
    child = 2 * (child + 1);
    if (less(a[base + child], a[base + child - 1])) child--;
    a[base + hole] = a[base + child];
    hole = child;
  }
  if ((len & 1) === 0 && child === (len - 2) >> 1) {
    child = 2 * (child + 1);
    a[base + hole] = a[base + child - 1];
    hole = child - 1;
  }
  pushHeap(a, base, hole, top, v, less);
}

function makeHeap(a: Int32Array, first: number, last: number, less: Less): void {
  const len = last - first;
  if (len < 2) return;
  for (let parent = (len - 2) >> 1; ; parent--) {
    adjustHeap(a, first, parent, len, a[first + parent], less);
    if (parent === 0) return;
  }
}

function popHeap(a: Int32Array, first: number, last: number, result: number, less: Less): void {
  const v = a[result];
  a[result] = a[first];
  adjustHeap(a, first, 0, last - first, v, less);
}

function heapSelect(a: Int32Array, first: number, middle: number, last: number, less: Less): void {
  makeHeap(a, first, middle, less);
  for (let i = middle; i < last; i++) if (less(a[i], a[first])) popHeap(a, first, middle, i, less);
}

function sortHeap(a: Int32Array, first: number, last: number, less: Less): void {
  while (last - first > 1) {
    last--;
    popHeap(a, first, last, last, less);
  }
}

/** Sorts a[first, middle) with the smallest elements of a[first, last) (heap based). */
export function partialSort(
  a: Int32Array,
  first: number,
  middle: number,
  last: number,
  less: Less,
): void {
  heapSelect(a, first, middle, last, less);
  sortHeap(a, first, middle, less);
}

// ---- introsort and introselect --------------------------------------------------------------

const THRESHOLD = 16;

function introsortLoop(
  a: Int32Array,
  first: number,
  last: number,
  depth: number,
  less: Less,
): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      partialSort(a, first, last, last, less);
      return;
    }
    depth--;
    const cut = partitionPivot(a, first, last, less);
    introsortLoop(a, cut, last, depth, less);
    last = cut;
  }
}

/** Introsort of a[first, last) (not stable). */
export function introsort(a: Int32Array, first: number, last: number, less: Less): void {
  if (first === last) return;
  introsortLoop(a, first, last, log2Floor(last - first) * 2, less);
  if (last - first > THRESHOLD) {
    insertionSort(a, first, first + THRESHOLD, less);
    for (let i = first + THRESHOLD; i < last; i++) unguardedLinearInsert(a, i, less);
  } else insertionSort(a, first, last, less);
}

/** Puts the element that belongs at `nth` there, smaller ones before it, larger ones after. */
export function nthElement(
  a: Int32Array,
  first: number,
  nth: number,
  last: number,
  less: Less,
): void {
  if (first === last || nth === last) return;
  let depth = log2Floor(last - first) * 2;
  while (last - first > 3) {
    if (depth === 0) {
      heapSelect(a, first, nth + 1, last, less);
      swap(a, first, nth);
      return;
    }
    depth--;
    const cut = partitionPivot(a, first, last, less);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(a, first, last, less);
}

/**
 * Median-of-three quickselect that leaves the k-th smallest (by `greater`) at position k; `a`
 * holds positions and is permuted in place.
 */
export function quickSelect(a: Int32Array, k: number, greater: Less): void {
  let lo = 0;
  let hi = a.length - 1;
  for (;;) {
    if (hi <= lo) return;
    if (hi === lo + 1) {
      if (greater(a[lo], a[hi])) swap(a, lo, hi);
      return;
    }
    const mid = lo + ((hi - lo) >> 1);
    swap(a, mid, lo + 1);
    if (greater(a[lo + 1], a[hi])) swap(a, lo + 1, hi);
    if (greater(a[lo], a[hi])) swap(a, lo, hi);
    if (greater(a[lo + 1], a[lo])) swap(a, lo + 1, lo);
    let i = lo + 1;
    let j = hi;
    const pivot = a[lo];
    for (;;) {
      do i++;
      while (greater(pivot, a[i]));
      do j--;
      while (greater(a[j], pivot));
      if (j < i) break;
      swap(a, i, j);
    }
    swap(a, lo, j);
    if (j <= k) lo = i;
    if (j >= k) hi = j - 1;
  }
}
