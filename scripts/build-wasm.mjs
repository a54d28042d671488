// Generates the WebAssembly SIMD kernels into src/tensor/kernels/generated/, each as its WAT text
// (the source to read and review) beside a TypeScript module holding the assembled bytes:
//   gemm.wat / gemm-wasm.ts      a matrix-multiply micro-kernel with its own memory;
//   stream.wat / stream-wasm.ts  one-pass kernels (clamp, scale, Σx, Σx², Σ|x|, max|x|) that import
//                                the memory of the tensor storage they work on;
//   softmax.wat / softmax-wasm.ts  softmax/logSoftmax forward and backward over rows or columns
//                                (vectorised exp) in a scratch memory of their own.
// The WAT is generated here (the GEMM's 4×8 register tile is repetitive) and assembled with wabt,
// so building torchlet needs no assembler. Run after changing this file: npm run wasm
// (src/tensor/kernels/generated.test.ts regenerates in memory and fails if the files drifted).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import wabtInit from 'wabt';

const ROWS = 4; // rows of A per tile (one f32 splat each)
const VECS = 2; // f32x4 vectors of B per row of the tile: 8 columns

const acc = (r, c) => `$c${r}${c}`;
const lines = [];
const emit = (s) => lines.push(s);

emit('(module');
emit('  (memory (export "memory") 1)');
emit(
  '  ;; C[mp x np] (row-major, stride np) = A · B, or C += A · B when $acc is set, from packed panels:',
);
emit('  ;;   A: [mp/4][k][4] floats (4 rows interleaved per k), B: [np/8][k][8] floats.');
emit(
  '  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $mp i32) (param $k i32) (param $np i32) (param $acc i32)',
);
emit(
  '    (local $i i32) (local $j i32) (local $p i32) (local $ap i32) (local $bp i32) (local $cp i32) (local $s v128)',
);
for (let v = 0; v < VECS; v++) emit(`    (local $b${v} v128)`);
for (let r = 0; r < ROWS; r++) for (let v = 0; v < VECS; v++) emit(`    (local ${acc(r, v)} v128)`);
emit('    (local.set $j (i32.const 0))');
emit('    (block $jdone (loop $jloop');
emit('      (br_if $jdone (i32.ge_u (local.get $j) (local.get $np)))');
emit('      (local.set $i (i32.const 0))');
emit('      (block $idone (loop $iloop');
emit('        (br_if $idone (i32.ge_u (local.get $i) (local.get $mp)))');
// The C tile starts from zero, or from C itself when $acc is set (later k-blocks add on).
emit(
  '        (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $np)) (local.get $j)) (i32.const 2))))',
);
emit('        (if (local.get $acc)');
emit('          (then');
for (let r = 0; r < ROWS; r++) {
  const row = `(i32.add (local.get $cp) (i32.shl (i32.mul (local.get $np) (i32.const ${r})) (i32.const 2)))`;
  for (let v = 0; v < VECS; v++)
    emit(`            (local.set ${acc(r, v)} (v128.load offset=${16 * v} ${row}))`);
}
emit('          )');
emit('          (else');
for (let r = 0; r < ROWS; r++)
  for (let v = 0; v < VECS; v++)
    emit(`            (local.set ${acc(r, v)} (v128.const i32x4 0 0 0 0))`);
emit('          )');
emit('        )');
emit(
  '        (local.set $ap (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 2))))',
);
emit(
  '        (local.set $bp (i32.add (local.get $b) (i32.shl (i32.mul (local.get $j) (local.get $k)) (i32.const 2))))',
);
emit('        (local.set $p (local.get $k))');
emit('        (block $pdone (loop $ploop');
emit('          (br_if $pdone (i32.eqz (local.get $p)))');
for (let v = 0; v < VECS; v++)
  emit(`          (local.set $b${v} (v128.load offset=${16 * v} (local.get $bp)))`);
for (let r = 0; r < ROWS; r++) {
  emit(`          (local.set $s (f32x4.splat (f32.load offset=${4 * r} (local.get $ap))))`);
  for (let v = 0; v < VECS; v++) {
    emit(
      `          (local.set ${acc(r, v)} (f32x4.add (local.get ${acc(r, v)}) (f32x4.mul (local.get $s) (local.get $b${v}))))`,
    );
  }
}
emit(`          (local.set $ap (i32.add (local.get $ap) (i32.const ${4 * ROWS})))`);
emit(`          (local.set $bp (i32.add (local.get $bp) (i32.const ${16 * VECS})))`);
emit('          (local.set $p (i32.sub (local.get $p) (i32.const 1)))');
emit('          (br $ploop)))');
emit(
  '        (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $np)) (local.get $j)) (i32.const 2))))',
);
for (let r = 0; r < ROWS; r++) {
  for (let v = 0; v < VECS; v++)
    emit(`        (v128.store offset=${16 * v} (local.get $cp) (local.get ${acc(r, v)}))`);
  if (r + 1 < ROWS)
    emit(
      '        (local.set $cp (i32.add (local.get $cp) (i32.shl (local.get $np) (i32.const 2))))',
    );
}
emit(`        (local.set $i (i32.add (local.get $i) (i32.const ${ROWS})))`);
emit('        (br $iloop)))');
emit(`      (local.set $j (i32.add (local.get $j) (i32.const ${4 * VECS})))`);
emit('      (br $jloop)))');
emit('  )');
emit(')');

const gemmWat = lines.join('\n');

/*
 * One-pass kernels over n float32 elements starting at byte address $p of the imported memory. n
 * is a multiple of 4: callers handle the n mod 4 leading elements in JavaScript, exactly as the
 * JavaScript kernels do, so both give bit-identical results:
 *   - the sums keep four float64 accumulators (lanes of two f64x2) that see elements 0,1,2,3 mod 4,
 *     and combine them as a0 + a1 + (a2 + a3), like kernels/reduce.ts; the squares and absolute
 *     values of float32 numbers are exact in float64;
 *   - scale multiplies in float64 and rounds once to float32, as `d[i] *= c` does;
 *   - clamp is pmax then pmin (NaN passes through; with lo > hi every element becomes hi), which
 *     equals the float64 comparisons of kernels/inplace.ts for float32 data.
 */
const halves = (p) => [
  `(f64x2.promote_low_f32x4 (v128.load64_zero ${p}))`,
  `(f64x2.promote_low_f32x4 (v128.load64_zero offset=8 ${p}))`,
];
// The loop counts the elements down instead of comparing $p with an end address: a run that ends
// at the last element of a 4 GiB memory has the end address 2^32, which wraps to 0 in i32, and a
// comparison with it would skip the whole run. Addresses are unsigned and at most 2^32 - 16.
const loop = (body) => [
  '    (block $done (loop $next',
  '      (br_if $done (i32.lt_u (local.get $n) (i32.const 4)))',
  ...body.map((l) => `      ${l}`),
  '      (local.set $p (i32.add (local.get $p) (i32.const 16)))',
  '      (local.set $n (i32.sub (local.get $n) (i32.const 4)))',
  '      (br $next)))',
];
const sumKernel = (name, term) => {
  const [lo, hi] = halves('(local.get $p)');
  return [
    `  (func (export "${name}") (param $p i32) (param $n i32) (param $a0 f64) (result f64)`,
    '    (local $lo v128) (local $hi v128)',
    '    (local.set $lo (f64x2.replace_lane 0 (v128.const i64x2 0 0) (local.get $a0)))',
    ...loop([
      `(local.set $lo (f64x2.add (local.get $lo) ${term(lo)}))`,
      `(local.set $hi (f64x2.add (local.get $hi) ${term(hi)}))`,
    ]),
    '    (f64.add',
    '      (f64.add (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo)))',
    '      (f64.add (f64x2.extract_lane 0 (local.get $hi)) (f64x2.extract_lane 1 (local.get $hi)))))',
  ];
};
const streamWat = [
  '(module',
  '  (import "env" "memory" (memory 1))',
  ...sumKernel('sum', (x) => x),
  ...sumKernel('sumSquares', (x) => `(f64x2.mul ${x} ${x})`),
  ...sumKernel('sumAbs', (x) => `(f64x2.abs ${x})`),
  // max |x|, NaN if any element is NaN: pmax (one instruction; it skips a NaN operand) plus a
  // separate NaN mask, cheaper than f32x4.max's NaN-propagating sequence.
  '  (func (export "maxAbs") (param $p i32) (param $n i32) (result f32)',
  '    (local $m v128) (local $x v128) (local $nan v128)',
  ...loop([
    '(local.set $x (f32x4.abs (v128.load (local.get $p))))',
    '(local.set $m (f32x4.pmax (local.get $m) (local.get $x)))',
    '(local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $x) (local.get $x))))',
  ]),
  '    (if (v128.any_true (local.get $nan)) (then (return (f32.const nan))))',
  '    (f32.max',
  '      (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))',
  '      (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))',
  '  (func (export "scale") (param $p i32) (param $n i32) (param $c f64)',
  '    (local $s v128)',
  '    (local.set $s (f64x2.splat (local.get $c)))',
  ...loop(
    halves('(local.get $p)').map(
      (x, k) =>
        `(v128.store64_lane offset=${8 * k} 0 (local.get $p) (f32x4.demote_f64x2_zero (f64x2.mul ${x} (local.get $s))))`,
    ),
  ),
  '  )',
  '  (func (export "clamp") (param $p i32) (param $n i32) (param $lo f32) (param $hi f32)',
  '    (local $l v128) (local $h v128)',
  '    (local.set $l (f32x4.splat (local.get $lo)))',
  '    (local.set $h (f32x4.splat (local.get $hi)))',
  ...loop([
    '(v128.store (local.get $p) (f32x4.pmin (f32x4.pmax (v128.load (local.get $p)) (local.get $l)) (local.get $h)))',
  ]),
  '  )',
  ')',
].join('\n');

/*
 * Softmax kernels over rows in the module's own scratch memory (see kernels/softmax-simd.ts). Rows
 * are padded to a multiple of 4 floats by the caller (with -inf in the forward pass, 0 in the
 * backward pass), so every loop is whole f32x4 vectors.
 *
 * exp(v) for v <= 0 (or NaN) is Cody-Waite range reduction plus a degree-6 polynomial, ~1 ulp:
 *   k = nearest(v / ln 2), r = v - k*ln 2 (ln 2 split into an exact high part and a low part),
 *   exp(r) ~ 1 + r + r^2 * P(r), then scaled by 2^k as two factors 2^(k>>1) * 2^(k - (k>>1)) so
 *   results in the subnormal range are rounded once and anything below 2^-149 is exactly 0.
 *   v is first clamped to [-110, 100] (exp(-110) < 2^-149, exp(100) overflows to +inf either way);
 *   NaN passes through the clamp and comes out NaN.
 */
const f4 = (x) => `(v128.const f32x4 ${x} ${x} ${x} ${x})`;
const EXP_POLY = [
  '1.9875691500e-4',
  '1.3981999507e-3',
  '8.3334519073e-3',
  '4.1665795894e-2',
  '1.6666665459e-1',
  '5.0000001201e-1',
];
const EXP_LOCALS =
  '(local $ek v128) (local $er v128) (local $ep v128) (local $ei v128) (local $eh v128)';
/** Lines that set local `out` to exp(local `v`) elementwise (v <= 0 or NaN). */
function expLines(v, out) {
  const L = [];
  // pmax/pmin (one instruction each) keep a NaN first operand: NaN < c and c < NaN are false.
  L.push(`(local.set $er (f32x4.pmin (f32x4.pmax (local.get ${v}) ${f4('-110')}) ${f4('100')}))`);
  L.push(`(local.set $ek (f32x4.nearest (f32x4.mul (local.get $er) ${f4('1.44269504089')})))`);
  L.push(
    `(local.set $er (f32x4.sub (local.get $er) (f32x4.mul (local.get $ek) ${f4('0.693359375')})))`,
  );
  L.push(
    `(local.set $er (f32x4.add (local.get $er) (f32x4.mul (local.get $ek) ${f4('2.12194440e-4')})))`,
  );
  L.push(`(local.set $ep ${f4(EXP_POLY[0])})`);
  for (const c of EXP_POLY.slice(1))
    L.push(`(local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) ${f4(c)}))`);
  // 1 + r + r^2 * P(r)
  L.push(
    `(local.set $ep (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $ep) (local.get $er)) (local.get $er)) (local.get $er)) ${f4('1')}))`,
  );
  L.push('(local.set $ei (i32x4.trunc_sat_f32x4_s (local.get $ek)))');
  L.push('(local.set $eh (i32x4.shr_s (local.get $ei) (i32.const 1)))');
  L.push('(local.set $ei (i32x4.sub (local.get $ei) (local.get $eh)))');
  const pow2 = (k) =>
    `(i32x4.shl (i32x4.add (local.get ${k}) (v128.const i32x4 127 127 127 127)) (i32.const 23))`;
  L.push(
    `(local.set ${out} (f32x4.mul (f32x4.mul (local.get $ep) ${pow2('$eh')}) ${pow2('$ei')}))`,
  );
  return L;
}
/** A loop over $n floats from address $q, 4 at a time (counts down, as the stream kernels do). */
const vecLoop = (label, body) => [
  `(block $${label}done (loop $${label}`,
  `  (br_if $${label}done (i32.eqz (local.get $n)))`,
  ...body.map((l) => `  ${l}`),
  '  (local.set $q (i32.add (local.get $q) (i32.const 16)))',
  '  (local.set $n (i32.sub (local.get $n) (i32.const 4)))',
  `  (br $${label})))`,
];
const lanes = (op, v) =>
  `(${op} (${op} (f32x4.extract_lane 0 ${v}) (f32x4.extract_lane 1 ${v})) (${op} (f32x4.extract_lane 2 ${v}) (f32x4.extract_lane 3 ${v})))`;
const indent = (ls, d) => ls.map((l) => ' '.repeat(d) + l);
/** A loop over $rows rows of $stride floats from $p; `body` sees the row at $p, then $p moves on. */
const rowLoop = (body, after = []) => [
  '    (block $rowsdone (loop $row',
  '      (br_if $rowsdone (i32.eqz (local.get $rows)))',
  ...indent(body, 6),
  ...indent(after, 6),
  '      (local.set $p (i32.add (local.get $p) (i32.shl (local.get $stride) (i32.const 2))))',
  '      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))',
  '      (br $row)))',
];
const from = (start) => [`(local.set $q ${start})`, '(local.set $n (local.get $stride))'];
const ROW_PARAMS = '(param $p i32) (param $rows i32) (param $stride i32)';
/*
 * Column kernels: a block of $size rows of $width floats (width a multiple of 4), normalised down
 * each column (softmax over a dim that is not the last one). $stats holds width floats of column
 * maxima then width floats of column sums (replaced by 1 / s or log s before colsApply).
 */
const gridLoop = (label, body) => [
  `    (local.set $q (local.get $p)) (local.set $k (local.get $size))`,
  `    (block $${label}rows (loop $${label}row`,
  `      (br_if $${label}rows (i32.eqz (local.get $k)))`,
  '      (local.set $s (local.get $stats)) (local.set $n (local.get $width))',
  `      (block $${label}done (loop $${label}`,
  `        (br_if $${label}done (i32.eqz (local.get $n)))`,
  ...indent(body, 8),
  '        (local.set $q (i32.add (local.get $q) (i32.const 16)))',
  '        (local.set $s (i32.add (local.get $s) (i32.const 16)))',
  '        (local.set $n (i32.sub (local.get $n) (i32.const 4)))',
  `        (br $${label})))`,
  '      (local.set $k (i32.sub (local.get $k) (i32.const 1)))',
  `      (br $${label}row)))`,
];
const COL_PARAMS = '(param $p i32) (param $size i32) (param $width i32) (param $stats i32)';
const COL_LOCALS = `(local $q i32) (local $n i32) (local $k i32) (local $s i32) (local $w4 i32) (local $v v128) (local $e v128)`;
const colsKernels = () => [
  `  (func (export "colsExpSum") ${COL_PARAMS} (param $store i32)`,
  `    ${COL_LOCALS}`,
  '    (local.set $w4 (i32.shl (local.get $width) (i32.const 2)))',
  '    (local.set $s (local.get $stats)) (local.set $n (local.get $width))',
  '    (block $initdone (loop $init',
  '      (br_if $initdone (i32.eqz (local.get $n)))',
  `      (v128.store (local.get $s) ${f4('-inf')})`,
  '      (v128.store (i32.add (local.get $s) (local.get $w4)) (v128.const i32x4 0 0 0 0))',
  '      (local.set $s (i32.add (local.get $s) (i32.const 16)))',
  '      (local.set $n (i32.sub (local.get $n) (i32.const 4)))',
  '      (br $init)))',
  ...gridLoop('max', [
    '(v128.store (local.get $s) (f32x4.max (v128.load (local.get $s)) (v128.load (local.get $q))))',
  ]),
  ...gridLoop('exp', [
    '(local.set $v (f32x4.sub (v128.load (local.get $q)) (v128.load (local.get $s))))',
    '(local.set $e (call $exp4 (local.get $v)))',
    '(if (local.get $store) (then (v128.store (local.get $q) (local.get $e))))',
    '(v128.store (i32.add (local.get $s) (local.get $w4)) (f32x4.add (v128.load (i32.add (local.get $s) (local.get $w4))) (local.get $e)))',
  ]),
  '  )',
  // Down each column, from its maximum m and f at $stats (the sum's place): x = (x - m) - f
  // ($shift = 1: logSoftmax, f = log s) or x = x * f ($shift = 0: softmax, f = 1 / s).
  `  (func (export "colsApply") ${COL_PARAMS} (param $shift i32)`,
  `    ${COL_LOCALS}`,
  '    (local.set $w4 (i32.shl (local.get $width) (i32.const 2)))',
  '    (if (local.get $shift)',
  '      (then',
  ...indent(
    gridLoop('sub', [
      '(v128.store (local.get $q) (f32x4.sub (f32x4.sub (v128.load (local.get $q)) (v128.load (local.get $s))) (v128.load (i32.add (local.get $s) (local.get $w4)))))',
    ]),
    4,
  ),
  '      )',
  '      (else',
  ...indent(
    gridLoop('mul', [
      '(v128.store (local.get $q) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $s) (local.get $w4)))))',
    ]),
    4,
  ),
  '      ))',
  '  )',
  // Backward down columns, written over g (block at $p; y's block at $y): $stats gets the width
  // column sums Σ g*y (softmax) or Σ g (logSoftmax) first.
  `  (func (export "colsBackward") ${COL_PARAMS} (param $y i32) (param $log i32)`,
  `    ${COL_LOCALS} (local $d i32)`,
  '    (local.set $d (i32.sub (local.get $y) (local.get $p)))',
  '    (local.set $s (local.get $stats)) (local.set $n (local.get $width))',
  '    (block $initdone (loop $init',
  '      (br_if $initdone (i32.eqz (local.get $n)))',
  '      (v128.store (local.get $s) (v128.const i32x4 0 0 0 0))',
  '      (local.set $s (i32.add (local.get $s) (i32.const 16)))',
  '      (local.set $n (i32.sub (local.get $n) (i32.const 4)))',
  '      (br $init)))',
  '    (if (local.get $log)',
  '      (then',
  ...indent(
    gridLoop('sumg', [
      '(v128.store (local.get $s) (f32x4.add (v128.load (local.get $s)) (v128.load (local.get $q))))',
    ]),
    4,
  ),
  ...indent(
    gridLoop('lg', [
      '(local.set $v (v128.load (i32.add (local.get $q) (local.get $d))))',
      '(local.set $e (call $exp4 (local.get $v)))',
      '(v128.store (local.get $q) (f32x4.sub (v128.load (local.get $q)) (f32x4.mul (local.get $e) (v128.load (local.get $s)))))',
    ]),
    4,
  ),
  '      )',
  '      (else',
  ...indent(
    gridLoop('dot', [
      '(v128.store (local.get $s) (f32x4.add (v128.load (local.get $s)) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $q) (local.get $d))))))',
    ]),
    4,
  ),
  ...indent(
    gridLoop('sg', [
      '(v128.store (local.get $q) (f32x4.mul (v128.load (i32.add (local.get $q) (local.get $d))) (f32x4.sub (v128.load (local.get $q)) (v128.load (local.get $s)))))',
    ]),
    4,
  ),
  '      ))',
  '  )',
];
const softmaxWat = [
  '(module',
  '  (memory (export "memory") 1)',
  // exp is one shared function rather than inlined into each kernel: the module stays small
  // (it is embedded in every bundle that uses a tensor), and the results are the same bits.
  '  (func $exp4 (param $v v128) (result v128)',
  `    ${EXP_LOCALS} (local $e v128)`,
  ...expLines('$v', '$e').map((line) => `    ${line}`),
  '    (local.get $e))',
  // Per row: m = max, s = Σ exp(x - m) (f32x4 lanes summed as (s0 + s1) + (s2 + s3)); the row is
  // overwritten with exp(x - m) when $store is set; (m, s) go to $stats (8 bytes per row).
  `  (func (export "rowsExpSum") ${ROW_PARAMS} (param $stats i32) (param $store i32)`,
  `    (local $q i32) (local $n i32) (local $m v128) (local $s v128) (local $v v128) (local $e v128) (local $nan v128) (local $mx f32)`,
  ...rowLoop(
    [
      // The max is pmax (one instruction) plus a NaN mask, cheaper than NaN-propagating max.
      `(local.set $m ${f4('-inf')})`,
      '(local.set $nan (v128.const i32x4 0 0 0 0))',
      ...from('(local.get $p)'),
      ...vecLoop('max', [
        '(local.set $v (v128.load (local.get $q)))',
        '(local.set $m (f32x4.pmax (local.get $m) (local.get $v)))',
        '(local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $v) (local.get $v))))',
      ]),
      `(local.set $mx ${lanes('f32.max', '(local.get $m)')})`,
      `(if (v128.any_true (local.get $nan)) (then (local.set $mx (f32.const nan))))`,
      '(local.set $m (f32x4.splat (local.get $mx)))',
      '(local.set $s (v128.const i32x4 0 0 0 0))',
      ...from('(local.get $p)'),
      ...vecLoop('exp', [
        '(local.set $v (f32x4.sub (v128.load (local.get $q)) (local.get $m)))',
        '(local.set $e (call $exp4 (local.get $v)))',
        '(if (local.get $store) (then (v128.store (local.get $q) (local.get $e))))',
        '(local.set $s (f32x4.add (local.get $s) (local.get $e)))',
      ]),
      '(f32.store (local.get $stats) (local.get $mx))',
      `(f32.store offset=4 (local.get $stats) ${lanes('f32.add', '(local.get $s)')})`,
    ],
    ['(local.set $stats (i32.add (local.get $stats) (i32.const 8)))'],
  ),
  '  )',
  // Per row, from its (m, f) pair at $stats: x = (x - m) - f ($shift = 1: logSoftmax, f = log s)
  // or x = x * f ($shift = 0: softmax, f = 1 / s).
  `  (func (export "rowsApply") ${ROW_PARAMS} (param $stats i32) (param $shift i32)`,
  '    (local $q i32) (local $n i32) (local $m v128) (local $f v128)',
  ...rowLoop(
    [
      '(local.set $m (v128.load32_splat (local.get $stats)))',
      '(local.set $f (v128.load32_splat offset=4 (local.get $stats)))',
      ...from('(local.get $p)'),
      '(if (local.get $shift)',
      '  (then',
      ...indent(
        vecLoop('sub', [
          '(v128.store (local.get $q) (f32x4.sub (f32x4.sub (v128.load (local.get $q)) (local.get $m)) (local.get $f)))',
        ]),
        4,
      ),
      '  )',
      '  (else',
      ...indent(
        vecLoop('mul', [
          '(v128.store (local.get $q) (f32x4.mul (v128.load (local.get $q)) (local.get $f)))',
        ]),
        4,
      ),
      '  ))',
    ],
    ['(local.set $stats (i32.add (local.get $stats) (i32.const 8)))'],
  ),
  '  )',
  // Backward per row, written over g (rows of g at $p, rows of y at $y, same stride):
  //   softmax ($log = 0): g' = y * (g - Σ g*y);  logSoftmax ($log = 1): g' = g - exp(y) * Σ g.
  `  (func (export "rowsBackward") ${ROW_PARAMS} (param $y i32) (param $log i32)`,
  `    (local $q i32) (local $n i32) (local $d i32) (local $s v128) (local $v v128) (local $e v128)`,
  ...rowLoop(
    [
      '(local.set $s (v128.const i32x4 0 0 0 0))',
      '(local.set $d (i32.sub (local.get $y) (local.get $p)))',
      ...from('(local.get $p)'),
      '(if (local.get $log)',
      '  (then',
      ...indent(
        vecLoop('sumg', ['(local.set $s (f32x4.add (local.get $s) (v128.load (local.get $q))))']),
        4,
      ),
      `    (local.set $s (f32x4.splat ${lanes('f32.add', '(local.get $s)')}))`,
      ...indent(from('(local.get $p)'), 4),
      ...indent(
        vecLoop('lg', [
          '(local.set $v (v128.load (i32.add (local.get $q) (local.get $d))))',
          '(local.set $e (call $exp4 (local.get $v)))',
          '(v128.store (local.get $q) (f32x4.sub (v128.load (local.get $q)) (f32x4.mul (local.get $e) (local.get $s))))',
        ]),
        4,
      ),
      '  )',
      '  (else',
      ...indent(
        vecLoop('dot', [
          '(local.set $s (f32x4.add (local.get $s) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $q) (local.get $d))))))',
        ]),
        4,
      ),
      `    (local.set $s (f32x4.splat ${lanes('f32.add', '(local.get $s)')}))`,
      ...indent(from('(local.get $p)'), 4),
      ...indent(
        vecLoop('sg', [
          '(v128.store (local.get $q) (f32x4.mul (v128.load (i32.add (local.get $q) (local.get $d))) (f32x4.sub (v128.load (local.get $q)) (local.get $s))))',
        ]),
        4,
      ),
      '  ))',
    ],
    ['(local.set $y (i32.add (local.get $y) (i32.shl (local.get $stride) (i32.const 2))))'],
  ),
  '  )',
  ...colsKernels(),
  ')',
].join('\n');

const HEADER = '// Generated by scripts/build-wasm.mjs (npm run wasm): do not edit.';

function module(name, wat, wabt, describe, extra = '') {
  const parsed = wabt.parseWat(`${name}.wat`, wat, { simd: true });
  parsed.validate();
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  const constName = `${name.toUpperCase()}_WASM_BASE64`;
  return {
    [`${name}.wat`]: `;; ${HEADER.slice(3)}\n;; ${describe}\n${wat}\n`,
    [`${name}-wasm.ts`]:
      `${HEADER}\n// ${describe}: ${buffer.length} bytes assembled from ${name}.wat.\n${extra}` +
      `export const ${constName} =\n  '${Buffer.from(buffer).toString('base64')}';\n`,
  };
}

/** The generated files, by file name inside src/tensor/kernels/generated/. */
export async function generate() {
  const wabt = await wabtInit();
  return {
    ...module(
      'gemm',
      gemmWat,
      wabt,
      `A WebAssembly SIMD GEMM micro-kernel (${ROWS}x${4 * VECS} register tile of f32x4 accumulators over packed panels)`,
      `export const GEMM_TILE_ROWS = ${ROWS};\nexport const GEMM_TILE_COLS = ${4 * VECS};\n`,
    ),
    ...module(
      'stream',
      streamWat,
      wabt,
      "WebAssembly SIMD one-pass kernels over a tensor storage's memory (see kernels/wasm-storage.ts)",
    ),
    ...module(
      'softmax',
      softmaxWat,
      wabt,
      'WebAssembly SIMD softmax kernels (vectorised exp) over rows and columns in their own memory (see kernels/softmax-simd.ts)',
    ),
  };
}

export const generatedDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  'tensor',
  'kernels',
  'generated',
);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, text] of Object.entries(await generate())) {
    writeFileSync(join(generatedDir, file), text);
    console.log(`wrote ${join(generatedDir, file)}`);
  }
}
