/**
 * Convolution as im2col + GEMM. One geometry describes a 2-D convolution from an input side
 * `[n, c, h, w]` to an output side `[n, o, oh, ow]`; three bilinear kernels cover the forward pass
 * and both adjoints, which is all that conv, transposed conv and their derivatives need.
 */
import { gemm, type Mat } from '../../tensor/kernels/matmul.js';
import { allocLongLived, allocZeroed, releaseToArena } from '../../tensor/kernels/arena.js';
import { simdSame } from '../../tensor/kernels/elementwise.js';

/**
 * Scratch for one call (im2col columns): arena memory when there is room, given back when the call
 * ends, so the next call reuses pages already faulted in. Elements are not cleared.
 */
const scratch = (n: number): Float32Array => allocLongLived(n, false);

/** Sizes of one 2-D convolution. `ph`/`pw` are the padding before each spatial dim. */
export interface ConvGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  groups: number;
  oh: number;
  ow: number;
}

/** The output columns j in [lo, hi) whose input column `j·s + off` lies inside [0, w). */
function insideRange(off: number, s: number, w: number, ow: number): [number, number] {
  const lo = off >= 0 ? 0 : Math.min(ow, Math.ceil(-off / s));
  const hi = Math.max(lo, Math.min(ow, Math.ceil((w - off) / s)));
  return [lo, hi];
}

/** The output rows [i0, i1) whose kernel row `p` falls inside the image (stride 1). */
function insideRows(g: ConvGeometry, p: number): [number, number] {
  const i0 = Math.min(g.oh, Math.max(0, g.ph - p * g.dh));
  return [i0, Math.max(i0, Math.min(g.oh, g.h + g.ph - p * g.dh))];
}

/**
 * Sets the padding columns (outside [lo, hi)) of rows [i0, i1) of one patch plane at `rowBase` to
 * `pad`: a plane copied or added as one run carries values across row ends there.
 */
function fillPadding(
  cols: Float32Array,
  rowBase: number,
  ow: number,
  [lo, hi]: [number, number],
  [i0, i1]: [number, number],
  pad: number,
): void {
  for (let i = i0; i < i1; i++) {
    cols.fill(pad, rowBase + i * ow, rowBase + i * ow + lo);
    cols.fill(pad, rowBase + i * ow + hi, rowBase + (i + 1) * ow);
  }
}

/**
 * Row-major `[c·kh·kw, oh·ow]` patches of sample `n` of a strided input (zero where padded). The
 * columns that fall in the padding are known per kernel tap, so the copy of the rest has no
 * bounds test (a plain strided copy, or a block copy for unit stride).
 */
function im2col(
  g: ConvGeometry,
  x: Float32Array,
  xOffset: number,
  xStrides: readonly number[],
  n: number,
  cols: Float32Array,
): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const [sn, sc, sy, sx] = xStrides;
  const L = oh * ow;
  const flat = sh === 1 && sw === 1 && sx === 1 && sy === w && ow === w;
  let row = 0;
  for (let ci = 0; ci < c; ci++) {
    const base = xOffset + n * sn + ci * sc;
    for (let p = 0; p < kh; p++) {
      for (let q = 0; q < kw; q++, row++) {
        const rowBase = row * L;
        const off = q * dw - pw;
        const [lo, hi] = insideRange(off, sw, w, ow);
        const step = sw * sx;
        if (flat && hi > lo) {
          // Output rows as long as the input's, both contiguous: the rows inside the image are one
          // block copy of the shifted plane; what it carried across row ends into the padding
          // columns is zeroed after, and the rows above and below the image are zero.
          const rows = insideRows(g, p);
          const [i0, i1] = rows;
          cols.fill(0, rowBase, rowBase + i0 * ow);
          cols.fill(0, rowBase + i1 * ow, rowBase + L);
          if (i1 > i0) {
            const from = rowBase + i0 * ow + lo;
            const at = base + (i0 - ph + p * dh) * sy + lo + off;
            cols.set(x.subarray(at, at + (i1 - i0 - 1) * ow + hi - lo), from);
            fillPadding(cols, rowBase, ow, [lo, hi], rows, 0);
          }
          continue;
        }
        for (let i = 0; i < oh; i++) {
          const y = i * sh - ph + p * dh;
          const outBase = rowBase + i * ow;
          if (y < 0 || y >= h) {
            cols.fill(0, outBase, outBase + ow);
            continue;
          }
          if (lo > 0) cols.fill(0, outBase, outBase + lo);
          if (hi < ow) cols.fill(0, outBase + hi, outBase + ow);
          let at = base + y * sy + (lo * sw + off) * sx;
          if (step === 1 && hi - lo >= 16) {
            cols.set(x.subarray(at, at + hi - lo), outBase + lo);
            continue;
          }
          for (let j = outBase + lo, end = outBase + hi; j < end; j++, at += step) cols[j] = x[at];
        }
      }
    }
  }
}

/** Adds row-major patches `[c·kh·kw, oh·ow]` back into a contiguous `[c, h, w]` image at `outOffset`. */
export function col2im(
  g: ConvGeometry,
  cols: Float32Array,
  out: Float32Array,
  outOffset: number,
): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const L = oh * ow;
  const flat = sh === 1 && sw === 1 && ow === w;
  let row = 0;
  for (let ci = 0; ci < c; ci++) {
    const base = outOffset + ci * h * w;
    for (let p = 0; p < kh; p++) {
      for (let q = 0; q < kw; q++, row++) {
        const rowBase = row * L;
        const off = q * dw - pw;
        const [lo, hi] = insideRange(off, sw, w, ow);
        if (flat && hi > lo) {
          // Output rows as long as the image's: the rows inside it add as one run of the shifted
          // plane (on the SIMD add kernel), once the padding columns between them hold -0, which
          // adds nothing to any value, +0 and -0 included. One add per element, in the same order
          // of planes: the loop's bits.
          const rows = insideRows(g, p);
          const [i0, i1] = rows;
          if (i1 === i0) continue;
          fillPadding(cols, rowBase, ow, [lo, hi], rows, -0);
          const from = rowBase + i0 * ow + lo;
          const len = (i1 - i0 - 1) * ow + hi - lo;
          const at = base + (i0 - ph + p * dh) * w + lo + off;
          const dst = out.subarray(at, at + len);
          const src = cols.subarray(from, from + len);
          for (let j = simdSame('add', dst, src, dst); j < len; j++) dst[j] += src[j]!;
          continue;
        }
        for (let i = 0; i < oh; i++) {
          const y = i * sh - ph + p * dh;
          if (y < 0 || y >= h) continue;
          let at = base + y * w + lo * sw + off;
          for (let j = rowBase + i * ow + lo, end = rowBase + i * ow + hi; j < end; j++, at += sw)
            out[at] += cols[j];
        }
      }
    }
  }
}

/**
 * For a 1×1 kernel with stride 1 and no padding the patches are the input itself: sample `n` read
 * in place as a `[c, h·w]` matrix, when its spatial dims flatten to one stride.
 */
function directPatches(g: ConvGeometry, x: Operand4, n: number): Mat | null {
  if (g.kh !== 1 || g.kw !== 1 || g.sh !== 1 || g.sw !== 1 || g.ph !== 0 || g.pw !== 0) return null;
  const [sn, sc, sy, sx] = x.strides;
  if (g.h > 1 && g.w > 1 && sy !== g.w * sx) return null;
  const colStride = g.w > 1 ? sx : sy;
  return { buffer: x.buffer, offset: x.offset + n * sn, rowStride: sc, colStride };
}

/** A strided 4-D operand as the kernels read it. */
export interface Operand4 {
  buffer: Float32Array;
  offset: number;
  strides: readonly number[];
}

/** The `[c·kh·kw, oh·ow]` patches of sample `n`: the input itself when possible, else im2col into `cols`. */
function patches(g: ConvGeometry, x: Operand4, n: number, cols: Float32Array | null): Mat {
  const direct = directPatches(g, x, n);
  if (direct !== null) return direct;
  im2col(g, x.buffer, x.offset, x.strides, n, cols!);
  return { buffer: cols!, offset: 0, rowStride: g.oh * g.ow, colStride: 1 };
}

/**
 * The forward convolution with stride 1 and dilation 1, as products over "wide rows": computed
 * `wp` columns wide (the padded input's width) instead of `ow`, patch row (ci, p, q) of a sample is
 * one contiguous run of its padded input, from (ci, p, q) on, so it is one block copy (kh·kw·c of
 * them per sample instead of one per output row); the output's last wp − ow columns of each row
 * read across the input row's end and are dropped. Each kept element is the same dot product over
 * the same k in the same order as im2col's, so the bits are the same. Null when the geometry does
 * not allow it (strides, dilation, or an input whose rows are not contiguous).
 */
function convForwardWide(
  g: ConvGeometry,
  x: Operand4,
  w: Float32Array,
  out: Float32Array,
): boolean {
  const { n, c, h, o, kh, kw, ph, pw, groups, oh, ow } = g;
  const [sn, sc, sy, sx] = x.strides;
  if (g.sh !== 1 || g.sw !== 1 || g.dh !== 1 || g.dw !== 1 || kw === 1) return false;
  if (sx !== 1 || (h > 1 && sy !== g.w)) return false;
  // The padded extent the output reads (padding after may differ from before, as 'same' pads).
  const hp = oh + kh - 1;
  const wp = ow + kw - 1;
  const padded = ph > 0 || pw > 0 || hp !== h || wp !== g.w;
  const lw = (oh - 1) * wp + ow; // wide columns: the last output row needs only ow
  const L = oh * ow;
  const ck = (c / groups) * kh * kw;
  const og = o / groups;
  const cols = scratch(c * kh * kw * lw);
  const wide = scratch(og * lw);
  const plane = padded ? allocZeroed(c * hp * wp) : null;
  for (let s = 0; s < n; s++) {
    // The sample as contiguous planes: the input itself, or a zero-padded copy.
    let src = x.buffer;
    let base = x.offset + s * sn;
    let planeStride = sc;
    if (plane !== null) {
      const width = Math.min(g.w, wp - pw);
      for (let ci = 0; ci < c; ci++)
        for (let y = 0; y < h && y + ph < hp; y++) {
          const from = x.offset + s * sn + ci * sc + y * sy;
          plane.set(x.buffer.subarray(from, from + width), ci * hp * wp + (y + ph) * wp + pw);
        }
      src = plane;
      base = 0;
      planeStride = hp * wp;
    }
    let row = 0;
    for (let ci = 0; ci < c; ci++)
      for (let p = 0; p < kh; p++)
        for (let q = 0; q < kw; q++, row++) {
          const from = base + ci * planeStride + p * wp + q;
          cols.set(src.subarray(from, from + lw), row * lw);
        }
    for (let gi = 0; gi < groups; gi++) {
      gemm(
        { buffer: w, offset: gi * og * ck, rowStride: ck, colStride: 1 },
        { buffer: cols, offset: gi * ck * lw, rowStride: lw, colStride: 1 },
        og,
        ck,
        lw,
        wide,
        0,
      );
      for (let oc = 0; oc < og; oc++)
        for (let i = 0; i < oh; i++) {
          const from = oc * lw + i * wp;
          out.set(wide.subarray(from, from + ow), s * o * L + (gi * og + oc) * L + i * ow);
        }
    }
  }
  releaseToArena(cols);
  releaseToArena(wide);
  if (plane !== null) releaseToArena(plane);
  return true;
}

/**
 * y[n, o] = Σ W[o, c, p, q] · x[n, c, ·] (+ bias[o]): the forward convolution. `w` is contiguous
 * `[o, c/g, kh, kw]`, `bias` (optional) contiguous `[o]`.
 */
export function convForwardKernel(
  g: ConvGeometry,
  x: Operand4,
  w: Float32Array,
  bias: Float32Array | null = null,
): Float32Array {
  const { n, c, o, kh, kw, groups, oh, ow } = g;
  const L = oh * ow;
  const ck = (c / groups) * kh * kw;
  const og = o / groups;
  const out = allocZeroed(n * o * L);
  if (out.length === 0) return out;
  if (!convForwardWide(g, x, w, out)) {
    const cols = directPatches(g, x, 0) ? null : scratch(c * kh * kw * L);
    for (let s = 0; s < n; s++) {
      const p = patches(g, x, s, cols);
      for (let gi = 0; gi < groups; gi++) {
        gemm(
          { buffer: w, offset: gi * og * ck, rowStride: ck, colStride: 1 },
          { ...p, offset: p.offset + gi * ck * p.rowStride },
          og,
          ck,
          L,
          out,
          s * o * L + gi * og * L,
        );
      }
    }
    if (cols !== null) releaseToArena(cols);
  }
  if (bias !== null)
    for (let s = 0; s < n; s++)
      for (let oc = 0; oc < o; oc++) {
        const b = bias[oc];
        for (let i = s * o * L + oc * L, end = i + L; i < end; i++) out[i] += b;
      }
  return out;
}

/** Σ over n and the spatial positions of a contiguous `[n, o, L]` gradient: the bias gradient. */
export function convBiasGradKernel(
  gy: Float32Array,
  n: number,
  o: number,
  L: number,
): Float32Array {
  const out = new Float32Array(o);
  for (let oc = 0; oc < o; oc++) {
    let total = 0;
    for (let s = 0; s < n; s++)
      for (let i = (s * o + oc) * L, end = i + L; i < end; i++) total += gy[i];
    out[oc] = total;
  }
  return out;
}

/**
 * x-side adjoint: gx[n, c] = Σ W[o, c, p, q] · gy[n, o, ·] scattered back to the input grid. This is
 * the input gradient of a convolution and the forward pass of a transposed convolution.
 */
export function convInputAdjointKernel(
  g: ConvGeometry,
  gy: Float32Array,
  w: Float32Array,
): Float32Array {
  const { n, c, h, w: width, o, kh, kw, groups, oh, ow } = g;
  const L = oh * ow;
  const ck = (c / groups) * kh * kw;
  const og = o / groups;
  const out = allocZeroed(n * c * h * width);
  if (out.length === 0 || L === 0) return out;
  const cols = scratch(c * kh * kw * L);
  for (let s = 0; s < n; s++) {
    for (let gi = 0; gi < groups; gi++) {
      gemm(
        { buffer: w, offset: gi * og * ck, rowStride: 1, colStride: ck },
        { buffer: gy, offset: s * o * L + gi * og * L, rowStride: L, colStride: 1 },
        ck,
        og,
        L,
        cols,
        gi * ck * L,
      );
    }
    col2im(g, cols, out, s * c * h * width);
  }
  releaseToArena(cols);
  return out;
}

/** w-side adjoint: gW[o, c, p, q] = Σₙ gy[n, o, ·] · patches(x[n])ᵀ — the weight gradient. */
export function convWeightAdjointKernel(
  g: ConvGeometry,
  x: Operand4,
  gy: Float32Array,
): Float32Array {
  const { n, c, o, kh, kw, groups, oh, ow } = g;
  const L = oh * ow;
  const ck = (c / groups) * kh * kw;
  const og = o / groups;
  const out = new Float32Array(o * ck);
  if (out.length === 0 || L === 0 || n === 0) return out;
  const cols = directPatches(g, x, 0) ? null : scratch(c * kh * kw * L);
  const tmp = new Float32Array(og * ck);
  for (let s = 0; s < n; s++) {
    const p = patches(g, x, s, cols);
    for (let gi = 0; gi < groups; gi++) {
      gemm(
        { buffer: gy, offset: s * o * L + gi * og * L, rowStride: L, colStride: 1 },
        {
          buffer: p.buffer,
          offset: p.offset + gi * ck * p.rowStride,
          rowStride: p.colStride,
          colStride: p.rowStride,
        },
        og,
        L,
        ck,
        tmp,
        0,
      );
      const base = gi * og * ck;
      for (let i = 0; i < tmp.length; i++) out[base + i] += tmp[i];
    }
  }
  if (cols !== null) releaseToArena(cols);
  return out;
}
