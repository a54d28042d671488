/**
 * The pointwise half of one LSTM step as one recorded op: from the gate pre-activations
 * (i, f, g, o blocks along the last dim) and the previous cell state to the new hidden and cell
 * states. Composed of separate ops it records eleven nodes and allocates ten [N, H] tensors per
 * step; fused, one node and one output, with a hand-written backward.
 *
 * The forward rounds to float32 after every operation exactly as the composed ops do (sigmoid as
 * 1 / (1 + e^-x), tanh, f·c + i·g, o·tanh(c')), so its values are bit-identical to theirs.
 */
import { record } from '../../autograd/node.js';
import { isGradEnabled } from '../../autograd/grad-mode.js';
import { add, mul, sigmoid, sub, tanh } from '../../ops/elementwise.js';
import { cat } from '../../ops/join.js';
import { Tensor } from '../../tensor/tensor.js';
import { unaryMathInto } from '../../tensor/kernels/unary-math.js';

const fr = Math.fround;

/** to[at..at+n) = sigmoid (fn 1) or tanh (fn 2) of from[start..start+n), the loop's bits. */
const activate = (
  fn: 1 | 2,
  from: Float32Array,
  start: number,
  to: Float32Array,
  at: number,
  n: number,
) => unaryMathInto(fn, from.subarray(start, start + n), to.subarray(at, at + n));

/**
 * `[h' | c']` (last dim 2H) from `gates` (last dim 4H: i, f, g, o pre-activations) and the cell
 * state `c` (last dim H, the same leading dims): c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c').
 */
export function lstmPointwise(gates: Tensor, c: Tensor): Tensor {
  const last = gates.dim() - 1;
  const H = c.shape[c.dim() - 1];
  const rows = H === 0 ? 0 : c.numel() / H;
  const a = gates._contiguousData();
  const cPrev = c._contiguousData();
  const out = new Float32Array(rows * 2 * H);
  // Activations i, f, g, o and tanh(c') per element, kept for the backward pass.
  const acts = new Float32Array(rows * 5 * H);
  for (let r = 0; r < rows; r++) {
    const ga = r * 4 * H;
    const oa = r * 2 * H;
    const ca = r * H;
    const sa = r * 5 * H;
    // The activations (1 / (1 + e^-x) and tanh, rounded to float32): i and f, g, o.
    activate(1, a, ga, acts, sa, 2 * H);
    activate(2, a, ga + 2 * H, acts, sa + 2 * H, H);
    activate(1, a, ga + 3 * H, acts, sa + 3 * H, H);
    for (let j = 0; j < H; j++) {
      const i = acts[sa + j];
      const f = acts[sa + H + j];
      const g = acts[sa + 2 * H + j];
      out[oa + H + j] = fr(fr(f * cPrev[ca + j]) + fr(i * g));
    }
    activate(2, out, oa + H, acts, sa + 4 * H, H); // tanh(c')
    for (let j = 0; j < H; j++) out[oa + j] = acts[sa + 3 * H + j] * acts[sa + 4 * H + j];
  }
  const shape = [...c.shape];
  shape[shape.length - 1] = 2 * H;
  const y = Tensor._fromData(out, shape);
  return record(
    y,
    'LstmPointwiseBackward0',
    [gates, c],
    (grad, [sg, sc], needs) => {
      const dhy = grad.narrow(last, 0, H);
      const dcy = grad.narrow(last, H, H);
      if (isGradEnabled()) {
        // Recording the backward (createGraph): the same formulas with differentiable ops.
        const i = sigmoid(sg!.narrow(last, 0, H));
        const f = sigmoid(sg!.narrow(last, H, H));
        const g = tanh(sg!.narrow(last, 2 * H, H));
        const o = sigmoid(sg!.narrow(last, 3 * H, H));
        const t = tanh(add(mul(f, sc!), mul(i, g)));
        const dc = add(dcy, mul(mul(dhy, o), sub(1, mul(t, t))));
        const dGates = cat(
          [
            mul(mul(dc, g), mul(i, sub(1, i))),
            mul(mul(dc, sc!), mul(f, sub(1, f))),
            mul(mul(dc, i), sub(1, mul(g, g))),
            mul(mul(dhy, t), mul(o, sub(1, o))),
          ],
          last,
        );
        return [needs[0] ? dGates : null, needs[1] ? mul(dc, f) : null];
      }
      const gd = grad._contiguousData();
      const cd = sc!._contiguousData();
      const dGates = new Float32Array(rows * 4 * H);
      const dPrev = new Float32Array(rows * H);
      for (let r = 0; r < rows; r++) {
        const ga = r * 4 * H;
        const oa = r * 2 * H;
        const ca = r * H;
        const sa = r * 5 * H;
        for (let j = 0; j < H; j++) {
          const i = acts[sa + j];
          const f = acts[sa + H + j];
          const g = acts[sa + 2 * H + j];
          const o = acts[sa + 3 * H + j];
          const t = acts[sa + 4 * H + j];
          const dh = gd[oa + j];
          const dc = gd[oa + H + j] + dh * o * (1 - t * t);
          dGates[ga + j] = dc * g * i * (1 - i);
          dGates[ga + H + j] = dc * cd[ca + j] * f * (1 - f);
          dGates[ga + 2 * H + j] = dc * i * (1 - g * g);
          dGates[ga + 3 * H + j] = dh * t * o * (1 - o);
          dPrev[ca + j] = dc * f;
        }
      }
      return [
        needs[0] ? Tensor._fromData(dGates, sg!.shape) : null,
        needs[1] ? Tensor._fromData(dPrev, sc!.shape) : null,
      ];
    },
    [gates, c],
  );
}
