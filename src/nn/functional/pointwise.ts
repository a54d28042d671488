/**
 * The machinery behind the pointwise activations: a forward map, a backward kernel that is linear
 * in the upstream gradient (masked regions select 0 rather than multiply by 0, so an inf or NaN
 * upstream gradient there does not leak, as in PyTorch), and a second derivative for `createGraph`.
 */
import { record } from '../../autograd/node.js';
import { Tensor } from '../../tensor/tensor.js';
import { mul } from '../../ops/elementwise.js';

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
}

function map1(x: Tensor, fn: (v: number) => number): Tensor {
  const src = x._contiguousData();
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = fn(src[i]);
  return Tensor._fromData(out, x.shape);
}

/** Backward of a pointwise op as a recorded op itself, so double backward works. */
function pointwiseBackward(g: Tensor, x: Tensor, spec: PointwiseSpec): Tensor {
  const gd = g._contiguousData();
  const xd = x._contiguousData();
  const out = new Float32Array(xd.length);
  const df = spec.df;
  for (let i = 0; i < xd.length; i++) out[i] = df(gd[i], xd[i]);
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
          : Tensor._fromData(new Float32Array(sx!.numel()), sx!.shape)
        : null,
    ],
    [g, x],
  );
}

/** Applies a pointwise activation and records its derivative. */
export function pointwise(x: Tensor, spec: PointwiseSpec): Tensor {
  return record(map1(x, spec.f), spec.name, [x], (g, [sx]) => [pointwiseBackward(g, sx!, spec)], [
    x,
  ]);
}
