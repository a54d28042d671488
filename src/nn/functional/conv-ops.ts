/**
 * The three bilinear convolution maps as recorded ops. Each one's derivative is expressed with the
 * other two, so gradients of any order (createGraph) flow through convolutions.
 */
import { record } from '../../autograd/node.js';
import { isGradEnabled } from '../../autograd/grad-mode.js';
import { sum } from '../../ops/reduce.js';
import { Tensor } from '../../tensor/tensor.js';
import {
  convBiasGradKernel,
  convForwardKernel,
  convInputAdjointKernel,
  convWeightAdjointKernel,
  type ConvGeometry,
} from './conv-kernels.js';

function operand(t: Tensor): { buffer: Float32Array; offset: number; strides: readonly number[] } {
  return { buffer: t.buffer, offset: t.offset, strides: t.strides };
}

/**
 * y = conv(x, w) (+ bias) for `x` `[n, c, h, w]`, `w` `[o, c/groups, kh, kw]` and an optional
 * `bias` `[o]`; returns `[n, o, oh, ow]`. The bias is added inside the kernel and its gradient
 * (gy summed over n and the spatial dims) comes from the same node, as PyTorch records it.
 */
export function convOp(
  x: Tensor,
  w: Tensor,
  g: ConvGeometry,
  name = 'ConvolutionBackward0',
  bias: Tensor | null = null,
): Tensor {
  const y = Tensor._fromData(
    convForwardKernel(g, operand(x), w._contiguousData(), bias?._contiguousData() ?? null),
    [g.n, g.o, g.oh, g.ow],
  );
  const inputs = bias === null ? [x, w] : [x, w, bias];
  return record(
    y,
    name,
    inputs,
    (gy, [sx, sw], needs) => [
      needs[0] ? convInputOp(gy, sw!, g) : null,
      needs[1] ? convWeightOp(sx!, gy, g) : null,
      ...(bias === null ? [] : [needs[2] ? biasGrad(gy, g) : null]),
    ],
    [w.requiresGrad ? x : null, x.requiresGrad ? w : null],
  );
}

/** The bias gradient: gy `[n, o, oh, ow]` summed over dims 0, 2 and 3. */
function biasGrad(gy: Tensor, g: ConvGeometry): Tensor {
  // Under createGraph the sum is recorded (it is linear, so higher derivatives flow through it).
  if (isGradEnabled()) return sum(gy, [0, 2, 3]);
  return Tensor._fromData(convBiasGradKernel(gy._contiguousData(), g.n, g.o, g.oh * g.ow), [g.o]);
}

/** The input-side adjoint of `convOp` in its first argument: `[n, o, oh, ow]` → `[n, c, h, w]`. */
export function convInputOp(
  gy: Tensor,
  w: Tensor,
  g: ConvGeometry,
  name = 'ConvolutionBackwardBackward0',
): Tensor {
  const out = Tensor._fromData(
    convInputAdjointKernel(g, gy._contiguousData(), w._contiguousData()),
    [g.n, g.c, g.h, g.w],
  );
  return record(
    out,
    name,
    [gy, w],
    (u, [sgy, sw], needs) => [
      needs[0] ? convOp(u, sw!, g, 'ConvolutionBackwardBackward0') : null,
      needs[1] ? convWeightOp(u, sgy!, g) : null,
    ],
    [w.requiresGrad ? gy : null, gy.requiresGrad ? w : null],
  );
}

/** The weight-side adjoint of `convOp`: (x, gy) → `[o, c/groups, kh, kw]`. */
export function convWeightOp(x: Tensor, gy: Tensor, g: ConvGeometry): Tensor {
  const out = Tensor._fromData(convWeightAdjointKernel(g, operand(x), gy._contiguousData()), [
    g.o,
    g.c / g.groups,
    g.kh,
    g.kw,
  ]);
  return record(
    out,
    'ConvolutionBackwardBackward0',
    [x, gy],
    (u, [sx, sgy], needs) => [
      needs[0] ? convInputOp(sgy!, u, g) : null,
      needs[1] ? convOp(sx!, u, g, 'ConvolutionBackwardBackward0') : null,
    ],
    [gy.requiresGrad ? x : null, x.requiresGrad ? gy : null],
  );
}
