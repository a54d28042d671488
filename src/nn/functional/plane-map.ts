/**
 * A fixed sparse linear map applied to every plane (the trailing dims) of a tensor: each output
 * element is a weighted sum of input elements of the same plane, divided by a per-output divisor.
 * Padding, interpolation and average pooling are all such maps; the adjoint (the transposed map)
 * is their derivative, and the map is the adjoint's derivative, so any order of gradient works.
 */
import { record } from '../../autograd/node.js';
import { Tensor } from '../../tensor/tensor.js';
import { allocForWrite } from '../../tensor/kernels/arena.js';

/** Compressed sparse rows: output `r` reads `cols[rowPtr[r]..rowPtr[r+1]]` weighted by `vals`. */
export interface PlaneMap {
  readonly inSize: number;
  readonly outSize: number;
  readonly rowPtr: Int32Array;
  readonly cols: Int32Array;
  readonly vals: Float32Array;
  /** Divides each output's weighted sum (PyTorch's average pools divide after summing). */
  readonly divisor: Float32Array | null;
}

/** Builds a map from per-output lists of `[inputIndex, weight]` taps. */
export function buildPlaneMap(
  inSize: number,
  outSize: number,
  taps: (r: number, push: (col: number, weight: number) => void) => void,
  divisor: Float32Array | null = null,
): PlaneMap {
  const rowPtr = new Int32Array(outSize + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const push = (col: number, weight: number): void => {
    cols.push(col);
    vals.push(weight);
  };
  for (let r = 0; r < outSize; r++) {
    taps(r, push);
    rowPtr[r + 1] = cols.length;
  }
  return {
    inSize,
    outSize,
    rowPtr,
    cols: Int32Array.from(cols),
    vals: Float32Array.from(vals),
    divisor,
  };
}

/** The transposed map (the divisor folded into the weights). */
function transposeMap(m: PlaneMap): PlaneMap {
  const counts = new Int32Array(m.inSize + 1);
  for (let k = 0; k < m.cols.length; k++) counts[m.cols[k] + 1]++;
  for (let i = 0; i < m.inSize; i++) counts[i + 1] += counts[i];
  const fill = counts.slice(0, m.inSize);
  const cols = new Int32Array(m.cols.length);
  const vals = new Float32Array(m.cols.length);
  for (let r = 0; r < m.outSize; r++) {
    const d = m.divisor === null ? 1 : m.divisor[r];
    for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) {
      const at = fill[m.cols[k]]++;
      cols[at] = r;
      vals[at] = m.divisor === null ? m.vals[k] : m.vals[k] / d;
    }
  }
  return { inSize: m.outSize, outSize: m.inSize, rowPtr: counts, cols, vals, divisor: null };
}

function applyKernel(m: PlaneMap, x: Float32Array, planes: number): Float32Array {
  const out = allocForWrite(planes * m.outSize);
  const { rowPtr, cols, vals, divisor } = m;
  for (let p = 0; p < planes; p++) {
    const ib = p * m.inSize;
    const ob = p * m.outSize;
    for (let r = 0; r < m.outSize; r++) {
      let s = 0;
      for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++)
        s = Math.fround(s + vals[k] * x[ib + cols[k]]);
      out[ob + r] = divisor === null ? s : s / divisor[r];
    }
  }
  return out;
}

interface MapPair {
  forward: PlaneMap;
  adjoint: PlaneMap | null;
  /** Shapes of the trailing plane dims on each side. */
  inPlane: readonly number[];
  outPlane: readonly number[];
}

function runMap(x: Tensor, pair: MapPair, transposed: boolean, name: string): Tensor {
  const planeDims = (transposed ? pair.outPlane : pair.inPlane).length;
  const lead = x.shape.slice(0, x.dim() - planeDims);
  let m: PlaneMap;
  if (transposed) {
    pair.adjoint ??= transposeMap(pair.forward);
    m = pair.adjoint;
  } else m = pair.forward;
  const planes = lead.reduce((a, b) => a * b, 1);
  const out = Tensor._fromData(applyKernel(m, x._contiguousData(), planes), [
    ...lead,
    ...(transposed ? pair.inPlane : pair.outPlane),
  ]);
  return record(out, name, [x], (g) => [runMap(g, pair, !transposed, name + 'Backward')]);
}

/**
 * Applies `map` to each plane: `x`'s trailing dims are `inPlane`, replaced by `outPlane` in the result.
 * `name` is the grad_fn name of the result.
 */
export function planeMapOp(
  x: Tensor,
  map: PlaneMap,
  inPlane: readonly number[],
  outPlane: readonly number[],
  name: string,
): Tensor {
  return runMap(x, { forward: map, adjoint: null, inPlane, outPlane }, false, name);
}
