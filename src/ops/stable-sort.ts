/**
 * A stable argsort of float32 values with NaN as the largest value: the order of `torch.sort` with
 * `stable=True`. A bottom-up merge sort over numeric keys (insertion-sorted runs first), several
 * times faster than `Array.prototype.sort` with a comparator on large lanes.
 */

const RUN = 16;

/**
 * Writes into `out` the positions 0..n-1 of `values` in stable ascending order (descending with
 * `descending`), NaNs last (first when descending), each group keeping the original order.
 * @param values - The lane's values.
 * @param descending - Largest first.
 * @param out - Receives the positions (length n).
 */
export function stableArgsort(values: Float32Array, descending: boolean, out: Int32Array): void {
  const n = values.length;
  let finite = 0;
  let nans = 0;
  const nanPositions: number[] = [];
  // Keys with the order flipped for descending: a stable ascending sort of -v is a stable
  // descending sort of v (ties, -0 and 0 included, keep their original order).
  const keys = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) {
      nanPositions.push(i);
      nans++;
    } else {
      keys[i] = descending ? -v : v;
      order[finite++] = i;
    }
  }
  sortByKey(order, finite, keys);
  if (descending) {
    for (let i = 0; i < nans; i++) out[i] = nanPositions[i];
    out.set(order.subarray(0, finite), nans);
  } else {
    out.set(order.subarray(0, finite), 0);
    for (let i = 0; i < nans; i++) out[finite + i] = nanPositions[i];
  }
}

/** Stable sort of `a[0, n)` (positions) by `keys[position]`. */
function sortByKey(a: Int32Array, n: number, keys: Float64Array): void {
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const p = a[i];
      const k = keys[p];
      let j = i - 1;
      while (j >= lo && keys[a[j]] > k) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = p;
    }
  }
  if (n <= RUN) return;
  let src: Int32Array = a;
  let dst: Int32Array = new Int32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let o = lo;
      // Take from the left run on ties: that is what keeps the sort stable.
      while (i < mid && j < hi) dst[o++] = keys[src[j]] < keys[src[i]] ? src[j++] : src[i++];
      while (i < mid) dst[o++] = src[i++];
      while (j < hi) dst[o++] = src[j++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== a) a.set(src.subarray(0, n));
}
