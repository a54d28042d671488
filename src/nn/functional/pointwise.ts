/**
 * The machinery behind the pointwise activations: a forward map, a backward kernel that is linear
 * in the upstream gradient (masked regions select 0 rather than multiply by 0, so an inf or NaN
 * upstream gradient there does not leak, as in PyTorch), and a second derivative for `createGraph`.
 */
import { record } from '../../autograd/node.js';
import { Tensor } from '../../tensor/tensor.js';
import { mul } from '../../ops/elementwise.js';
import { allocForWrite, allocZeroed } from '../../tensor/kernels/arena.js';

/** One pointwise activation's maths. */
export interface PointwiseSpec {
  /** PyTorch's grad_fn name of the forward (`'GeluBackward0'`). */
  readonly name: string;
  /** y = f(x). */
  readonly f: (x: number) => number;
  /** dL/dx given dL/dy = g, linear in g. */
  readonly df: (g: number, x: number) => number;
  /** f''(x), or undefined where f is piecewise linear (its second derivative is exactly zero). */
  readonly d2?: (x: number) => number;
  /**
   * A SIMD kernel with the bits of `f` (g null) or `df` over the leading elements; returns how
   * many it did (the loops do the rest).
   */
  readonly simd?: (x: Float32Array, g: Float32Array | null, out: Float32Array) => number;
}

function map1(
  x: Tensor,
  fn: (v: number) => number,
  simd?: (x: Float32Array, out: Float32Array) => number,
): Tensor {
  const src = x._contiguousData();
  const out = allocForWrite(src.length);
  for (let i = simd ? simd(src, out) : 0; i < src.length; i++) out[i] = fn(src[i]);
  return Tensor._fromData(out, x.shape);
}

/** Backward of a pointwise op as a recorded op itself, so double backward works. */
function pointwiseBackward(g: Tensor, x: Tensor, spec: PointwiseSpec): Tensor {
  const gd = g._contiguousData();
  const xd = x._contiguousData();
  const out = allocForWrite(xd.length);
  const df = spec.df;
  for (let i = spec.simd ? spec.simd(xd, gd, out) : 0; i < xd.length; i++)
    out[i] = df(gd[i], xd[i]);
  const d2 = spec.d2;
  return record(
    Tensor._fromData(out, x.shape),
    spec.name.replace(/Backward0$/, 'BackwardBackward0'),
    [g, x],
    (gg, [sg, sx], [needG, needX]) => [
      needG ? pointwiseBackward(gg, sx!, spec) : null,
      needX
        ? d2
          ? mul(mul(gg, sg!), map1(sx!, d2))
          : Tensor._fromData(allocZeroed(sx!.numel()), sx!.shape)
        : null,
    ],
    [g, x],
  );
}

/** Applies a pointwise activation and records its derivative. */
export function pointwise(x: Tensor, spec: PointwiseSpec): Tensor {
  const simd = spec.simd;
  const forward = simd && ((src: Float32Array, out: Float32Array) => simd(src, null, out));
  return record(
    map1(x, spec.f, forward),
    spec.name,
    [x],
    (g, [sx]) => [pointwiseBackward(g, sx!, spec)],
    [x],
  );
}
