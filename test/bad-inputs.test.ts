/**
 * Bad inputs over creation, elementwise ops, views, reductions, in-place ops and autograd. Each
 * row either throws an error that names the function, the argument and the value, or gives
 * PyTorch's result; after an error no tensor's data and no gradient has changed.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';

/** The tensors every row may touch, rebuilt for each row. */
interface World {
  /** A leaf that requires grad, with a gradient already accumulated. */
  a: Tensor;
  /** A plain [2, 3] tensor. */
  b: Tensor;
  /** A non-leaf computed from `a`. */
  n: Tensor;
  /** An expanded view (stride 0). */
  e: Tensor;
  /** A 0-d tensor. */
  s: Tensor;
}

function world(): World {
  const a = torch.tensor(
    [
      [1, -2, 3],
      [-4, 5, -6],
    ],
    { requiresGrad: true },
  );
  a.mul(a).sum().backward();
  const b = torch.tensor([
    [0.5, 1.5, 2.5],
    [3.5, 4.5, 5.5],
  ]);
  const n = a.mul(2);
  const e = torch.tensor([7]).expand(4);
  const s = torch.tensor(3);
  return { a, b, n, e, s };
}

function snapshot(w: World): unknown[] {
  return Object.values(w).map((t: Tensor) => [
    Array.from(t.toFloat32Array()),
    t.grad ? Array.from(t.grad.toFloat32Array()) : null,
    [...t.shape],
  ]);
}

type Row =
  | {
      name: string;
      run: (w: World) => unknown;
      error: RegExp;
      type?: 'TypeError' | 'RangeError' | 'Error';
    }
  | { name: string; run: (w: World) => unknown; result: (out: unknown, w: World) => void };

const rows: Row[] = [];
const err = (
  name: string,
  run: (w: World) => unknown,
  error: RegExp,
  type?: 'TypeError' | 'RangeError' | 'Error',
) => rows.push({ name, run, error, type });
const ok = (name: string, run: (w: World) => unknown, result: (out: unknown, w: World) => void) =>
  rows.push({ name, run, result });
const shapeOf = (out: unknown) => [...(out as Tensor).shape];
const listOf = (out: unknown) => (out as Tensor).tolist();

// ---- Creation ---------------------------------------------------------------------------------
const sized = {
  zeros: torch.zeros,
  ones: torch.ones,
  empty: torch.empty,
  rand: torch.rand,
  randn: torch.randn,
};
for (const [fn, make] of Object.entries(sized)) {
  err(
    `${fn}(-1)`,
    () => make(-1),
    new RegExp(`^${fn}: invalid shape \\[-1\\].*got -1 at dim 0`),
    'RangeError',
  );
  err(
    `${fn}(2.5)`,
    () => make(2.5),
    new RegExp(`^${fn}: invalid shape \\[2\\.5\\].*got 2\\.5`),
    'RangeError',
  );
  err(
    `${fn}('3')`,
    () => make('3' as never),
    new RegExp(`^${fn}: expected sizes .*got the string '3' at position 0`),
    'TypeError',
  );
  err(
    `${fn}([2, '3'])`,
    () => make([2, '3'] as never),
    new RegExp(`^${fn}: invalid shape: size at dim 1 must be a number, got the string '3'`),
    'TypeError',
  );
  err(
    `${fn}(2, { requires_grad })`,
    () => make(2, { requires_grad: true } as never),
    new RegExp(`^${fn}: unknown option 'requires_grad' \\(did you mean 'requiresGrad'\\?\\)`),
    'TypeError',
  );
  err(
    `${fn}(2, { requiresGrad: 'yes' })`,
    () => make(2, { requiresGrad: 'yes' } as never),
    new RegExp(`^${fn}: option 'requiresGrad' must be boolean, got the string 'yes'`),
    'TypeError',
  );
  err(
    `${fn}(1e10)`,
    () => make(1e10),
    new RegExp(`^${fn}: .*shape \\[10000000000\\]`),
    'RangeError',
  );
  ok(
    `${fn}(2, 0) is empty`,
    () => make(2, 0),
    (out) => expect(shapeOf(out)).toEqual([2, 0]),
  );
}
err(
  'tensor(data, { requires_grad })',
  () => torch.tensor([1], { requires_grad: true } as never),
  /^tensor: unknown option 'requires_grad' \(did you mean 'requiresGrad'\?\)/,
  'TypeError',
);
err(
  "tensor('abc')",
  () => torch.tensor('abc' as never),
  /^tensor: expected a number, nested arrays .*got the string 'abc'/,
  'TypeError',
);
err(
  'tensor([1, [2]])',
  () => torch.tensor([1, [2]] as never),
  /^tensor: expected a number at index \[1\], got an array/,
  'TypeError',
);
err(
  'tensor([[1, 2], [3]])',
  () => torch.tensor([[1, 2], [3]]),
  /^tensor: expected sequence of length 2 at dim 1 \(got 1\)/,
  'RangeError',
);
err(
  "tensor([1, 'a'])",
  () => torch.tensor([1, 'a'] as never),
  /^tensor: expected a number at index \[1\], got the string 'a'/,
  'TypeError',
);
err(
  'tensor(f32, { shape: [2, 3] })',
  () => torch.tensor(new Float32Array(5), { shape: [2, 3] }),
  /^tensor: shape \[2, 3\] is invalid for data of 5 elements/,
  'RangeError',
);
err(
  "tensor(f32, { shape: '2' })",
  () => torch.tensor(new Float32Array(2), { shape: '2' as never }),
  /^tensor: option 'shape' must be number\[\], got the string '2'/,
  'TypeError',
);
ok(
  'tensor(true) is 1',
  () => torch.tensor(true),
  (out) => expect(listOf(out)).toBe(1),
);
ok(
  'tensor([]) has shape [0]',
  () => torch.tensor([]),
  (out) => expect(shapeOf(out)).toEqual([0]),
);
err(
  "full([2], 'x')",
  () => torch.full([2], 'x' as never),
  /^full: fill value must be a number, got the string 'x'/,
  'TypeError',
);
err(
  'full([2], 1, { requires_grad })',
  () => torch.full([2], 1, { requires_grad: true } as never),
  /^full: unknown option 'requires_grad'/,
  'TypeError',
);
err('full([-2], 1)', () => torch.full([-2], 1), /^full: invalid shape \[-2\]/, 'RangeError');
err(
  "arange('5')",
  () => torch.arange('5' as never),
  /^arange: end must be a number, got the string '5'/,
  'TypeError',
);
err(
  'arange(NaN)',
  () => torch.arange(NaN),
  /^arange: end must be finite, got the number NaN/,
  'RangeError',
);
err(
  'arange(0, Infinity)',
  () => torch.arange(0, Infinity),
  /^arange: end must be finite, got the number Infinity/,
  'RangeError',
);
err('arange(0, 5, 0)', () => torch.arange(0, 5, 0), /^arange: step must be nonzero/, 'RangeError');
err(
  'arange(5, 0, 1)',
  () => torch.arange(5, 0, 1),
  /^arange: upper bound and larger bound inconsistent with step sign \(start=5, end=0, step=1\)/,
  'RangeError',
);
err(
  'arange(5, { requires_grad })',
  () => torch.arange(5, { requires_grad: true } as never),
  /^arange: unknown option 'requires_grad'/,
  'TypeError',
);
err(
  'arange()',
  () => (torch.arange as unknown as () => Tensor)(),
  /^arange: expected an end value/,
  'TypeError',
);
ok(
  'arange(0) is empty',
  () => torch.arange(0),
  (out) => expect(shapeOf(out)).toEqual([0]),
);
err(
  'linspace(0, 1, -1)',
  () => torch.linspace(0, 1, -1),
  /^linspace: number of steps must be non-negative, got -1/,
  'RangeError',
);
err(
  'linspace(0, 1, 2.5)',
  () => torch.linspace(0, 1, 2.5),
  /^linspace: number of steps must be non-negative, got 2\.5/,
  'RangeError',
);
err(
  "linspace('0', 1, 2)",
  () => torch.linspace('0' as never, 1, 2),
  /^linspace: start must be a number, got the string '0'/,
  'TypeError',
);
err(
  'linspace(0, 1, 3, { requires_grad })',
  () => torch.linspace(0, 1, 3, { requires_grad: true } as never),
  /^linspace: unknown option 'requires_grad'/,
  'TypeError',
);
err('eye(-1)', () => torch.eye(-1), /^eye: invalid shape \[-1, -1\]/, 'RangeError');
err('eye(2, 1.5)', () => torch.eye(2, 1.5), /^eye: invalid shape \[2, 1\.5\]/, 'RangeError');
err(
  "eye('2')",
  () => torch.eye('2' as never),
  /^eye: n must be a number, got the string '2'/,
  'TypeError',
);
err(
  'eye(2, { requires_grad })',
  () => torch.eye(2, { requires_grad: true } as never),
  /^eye: unknown option 'requires_grad'/,
  'TypeError',
);
err(
  'zerosLike(3)',
  () => torch.zerosLike(3 as never),
  /^zerosLike: expected a Tensor, got the number 3/,
  'TypeError',
);
err(
  'onesLike(b, { requires_grad })',
  (w) => torch.onesLike(w.b, { requires_grad: true } as never),
  /^onesLike: unknown option 'requires_grad'/,
  'TypeError',
);
err(
  'randint(5, 2)',
  () => torch.randint(5, 2 as never),
  /^randint: size must be an array of sizes, got (the number 2|undefined)/,
  'TypeError',
);
err(
  'randint(1.5, [2])',
  () => torch.randint(1.5, [2]),
  /^randint: low and high must be integers, got the number 0 and the number 1\.5/,
  'TypeError',
);
err(
  'randint(3, 3, [2])',
  () => torch.randint(3, 3, [2]),
  /^randint: expects 'from' to be less than 'to', but got from=3 >= to=3/,
  'RangeError',
);
err(
  'randint(5, [2], { requires_grad })',
  () => torch.randint(5, [2], { requires_grad: true } as never),
  /^randint: unknown option 'requires_grad'/,
  'TypeError',
);
err(
  'randperm(-1)',
  () => torch.randperm(-1),
  /^randperm: n must be a non-negative integer, got -1/,
  'RangeError',
);
err(
  "randperm('3')",
  () => torch.randperm('3' as never),
  /^randperm: n must be a number, got the string '3'/,
  'TypeError',
);
err(
  'randperm(3, { requires_grad })',
  () => torch.randperm(3, { requires_grad: true } as never),
  /^randperm: unknown option 'requires_grad'/,
  'TypeError',
);
err(
  'rand(2, { generator: 1 })',
  () => torch.rand(2, { generator: 1 } as never),
  /^rand: option 'generator' must be a Generator, got the number 1/,
  'TypeError',
);
err(
  "manualSeed('abc')",
  () => torch.manualSeed('abc' as never),
  /^manualSeed: the seed must be an integer \(a number or a bigint\), got the string 'abc'/,
  'TypeError',
);
err(
  'manualSeed(1.5)',
  () => torch.manualSeed(1.5),
  /^manualSeed: the seed must be an integer .*got the number 1\.5/,
  'TypeError',
);
err(
  'manualSeed(NaN)',
  () => torch.manualSeed(NaN),
  /^manualSeed: the seed must be an integer .*got the number NaN/,
  'TypeError',
);
err(
  'manualSeed(null)',
  () => torch.manualSeed(null as never),
  /^manualSeed: the seed must be an integer .*got null/,
  'TypeError',
);
err(
  'Tensor.fromJSON({ shape: [2], data: [1] })',
  () => Tensor.fromJSON({ shape: [2], data: [1] }),
  /^fromJSON: shape \[2\] needs 2 elements, got 1/,
  'RangeError',
);
err(
  "Tensor.fromJSON({ shape: [1], data: ['x'] })",
  () => Tensor.fromJSON({ shape: [1], data: ['x' as never] }),
  /^fromJSON: element 0 must be a number.*got the string 'x'/,
  'TypeError',
);

// ---- Elementwise ----------------------------------------------------------------------------
for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) {
  err(
    `${op}(b, 'x')`,
    (w) => torch[op](w.b, 'x' as never),
    new RegExp(`^${op}: expected a Tensor or a number, got the string 'x'`),
    'TypeError',
  );
  err(
    `${op}(b, [1, 2])`,
    (w) => torch[op](w.b, [1, 2] as never),
    new RegExp(`^${op}: expected a Tensor or a number, got an array`),
    'TypeError',
  );
  err(
    `${op}(b, zeros(4))`,
    (w) => torch[op](w.b, torch.zeros(4)),
    new RegExp(`^${op}: shapes \\[2, 3\\] and \\[4\\] cannot be broadcast together`),
    'RangeError',
  );
}
err(
  "add(b, 1, { alpha: '2' })",
  (w) => torch.add(w.b, 1, { alpha: '2' as never }),
  /^add: option 'alpha' must be number, got the string '2'/,
  'TypeError',
);
err(
  'add(b, 1, { Alpha: 2 })',
  (w) => torch.add(w.b, 1, { Alpha: 2 } as never),
  /^add: unknown option 'Alpha' \(did you mean 'alpha'\?\)/,
  'TypeError',
);
err(
  'sub(b, 1, { scale: 2 })',
  (w) => torch.sub(w.b, 1, { scale: 2 } as never),
  /^sub: unknown option 'scale'/,
  'TypeError',
);
err(
  "pow(b, 'x')",
  (w) => torch.pow(w.b, 'x' as never),
  /^pow: expected a Tensor or a number, got the string 'x'/,
  'TypeError',
);
err(
  "clamp(b, 'x')",
  (w) => w.b.clamp('x' as never),
  /^clamp: min must be a number, got the string 'x'/,
  'TypeError',
);
err(
  'clamp(b)',
  (w) => w.b.clamp(),
  /^clamp: at least one of 'min' or 'max' must not be null/,
  'TypeError',
);
err(
  "where(b.gt(1), b, 'x')",
  (w) => torch.where(w.b.gt(1), w.b, 'x' as never),
  /^where: expected a Tensor or a number, got the string 'x'/,
  'TypeError',
);
err(
  'where(zeros(4), b, 0)',
  (w) => torch.where(torch.zeros(4), w.b, 0),
  /^where: shapes \[4\] and \[2, 3\] cannot be broadcast/,
  'RangeError',
);
err(
  'exp(3)',
  () => torch.exp(3 as never),
  /^exp: expected a Tensor, got the number 3/,
  'TypeError',
);
err(
  "relu('x')",
  () => torch.relu('x' as never),
  /^relu: expected a Tensor, got the string 'x'/,
  'TypeError',
);
ok(
  'add(inf, -3e38, { alpha: 2 }) is inf',
  () => torch.add(torch.tensor(Infinity), torch.tensor(-3e38), { alpha: 2 }),
  (out) => expect(listOf(out)).toBe(Infinity),
);
ok(
  'pow(1, inf) is 1',
  () => torch.pow(torch.tensor(1), Infinity),
  (out) => expect(listOf(out)).toBe(1),
);
ok(
  'pow(nan, 0) is 1',
  () => torch.pow(torch.tensor(NaN), 0),
  (out) => expect(listOf(out)).toBe(1),
);
ok(
  'pow(-inf, 0.5) is NaN',
  () => torch.pow(torch.tensor(-Infinity), 0.5),
  (out) => expect(listOf(out)).toBeNaN(),
);
ok(
  'sign(nan) is 0',
  () => torch.sign(torch.tensor(NaN)),
  (out) => expect(listOf(out)).toBe(0),
);

// ---- Reductions -----------------------------------------------------------------------------
const reductions = [
  'sum',
  'mean',
  'amax',
  'amin',
  'logsumexp',
  'std',
  'var',
  'norm',
  'prod',
  'argmax',
  'argmin',
  'max',
  'min',
] as const;
const call = (t: Tensor, op: (typeof reductions)[number], ...args: unknown[]) =>
  op === 'norm'
    ? t.norm(2, ...(args as [never, never]))
    : (t[op] as (...a: unknown[]) => unknown).apply(t, args);
for (const op of reductions) {
  const single = ['prod', 'argmax', 'argmin', 'max', 'min'].includes(op);
  const what = single ? 'an integer' : 'an integer or a list of integers';
  err(
    `${op}(1.5)`,
    (w) => call(w.b, op, 1.5),
    new RegExp(`^${op}: dim must be ${what}, got the number 1\\.5$`),
    'TypeError',
  );
  err(
    `${op}('1')`,
    (w) => call(w.b, op, '1'),
    new RegExp(`^${op}: dim must be ${what}, got the string '1'$`),
    'TypeError',
  );
  err(
    `${op}(5)`,
    (w) => call(w.b, op, 5),
    new RegExp(
      `^${op}: dimension out of range \\(expected to be in range of \\[-2, 1\\], but got 5\\)`,
    ),
    'RangeError',
  );
  err(
    `${op}(1, 'yes')`,
    (w) => call(w.b, op, 1, 'yes'),
    new RegExp(`^${op}: (keepdim|unbiased) must be a boolean, got the string 'yes'`),
    'TypeError',
  );
  err(
    `${op}({ keep_dim: true })`,
    (w) => call(w.b, op, { keep_dim: true }),
    new RegExp(`^${op}: unknown option 'keep_dim' \\(did you mean 'keepdim'\\?\\)`),
    'TypeError',
  );
  if (single) {
    err(
      `${op}([0])`,
      (w) => call(w.b, op, [0]),
      new RegExp(`^${op}: dim must be an integer, got an array`),
      'TypeError',
    );
  } else {
    err(
      `${op}([0, 0])`,
      (w) => call(w.b, op, [0, 0]),
      new RegExp(`^${op}: dim 0 appears multiple times in the list of dims`),
      'RangeError',
    );
    err(
      `${op}([0, 'a'])`,
      (w) => call(w.b, op, [0, 'a']),
      new RegExp(`^${op}: dim must be ${what}, got the string 'a' at position 1 of the list`),
      'TypeError',
    );
  }
  ok(
    `${op}(1, { keepdim: false }) drops the dim`,
    (w) => call(w.b, op, 1, { keepdim: false }),
    (out) =>
      expect(shapeOf(out instanceof Tensor ? out : (out as { values: Tensor }).values)).toEqual([
        2,
      ]),
  );
  ok(
    `${op}({ dim: 0, keepdim: true })`,
    (w) => call(w.b, op, { dim: 0, keepdim: true }),
    (out) =>
      expect(shapeOf(out instanceof Tensor ? out : (out as { values: Tensor }).values)).toEqual([
        1, 3,
      ]),
  );
}
ok(
  'sum(null) sums everything (PyTorch: sum(None))',
  (w) => w.b.sum(null),
  (out) => expect(listOf(out)).toBe(18),
);
ok(
  'var({ correction: 0 }) with no dim',
  (w) => w.b.var({ correction: 0 }),
  (out) => expect(listOf(out)).toBeCloseTo(35 / 12, 5),
);
err(
  'var(1, { unbiased: true, correction: 0 })',
  (w) => w.b.var(1, { unbiased: true, correction: 0 }),
  /^var: cannot specify both 'unbiased' and 'correction'/,
  'TypeError',
);
err(
  "var({ correction: '1' })",
  (w) => w.b.var({ correction: '1' as never }),
  /^var: option 'correction' must be number, got the string '1'/,
  'TypeError',
);
err(
  'max({ keepdim: true }) without a dim',
  (w) => w.b.max({ keepdim: true }),
  /^max: keepdim needs a dim/,
  'TypeError',
);
err(
  'max(other, true)',
  (w) => (w.b.max as (...a: unknown[]) => unknown)(w.b, true),
  /^max: unexpected argument the boolean true after the other tensor/,
  'TypeError',
);
err(
  "norm('nuc')",
  (w) => w.b.norm('nuc' as never),
  /^norm: the order p must be a number \(Infinity allowed\) or 'fro', got the string 'nuc'/,
  'TypeError',
);
err(
  'norm(NaN)',
  (w) => w.b.norm(NaN),
  /^norm: the order p must be a number .*got the number NaN/,
  'TypeError',
);
err(
  'norm({ ord: 2 })',
  (w) => w.b.norm({ ord: 2 } as never),
  /^norm: unknown option 'ord'/,
  'TypeError',
);
err(
  'norm(inf) of zeros(0, 3)',
  () => torch.zeros(0, 3).norm(Infinity),
  /linalg.vector_norm cannot compute the inf norm on an empty tensor/,
  'RangeError',
);
ok(
  'norm(inf, 1) of zeros(0, 3) is empty',
  () => torch.zeros(0, 3).norm(Infinity, 1),
  (out) => expect(shapeOf(out)).toEqual([0]),
);
err(
  'logsumexp() without dim',
  (w) => (w.b.logsumexp as unknown as () => Tensor)(),
  /^logsumexp: dim is required, got undefined/,
  'TypeError',
);
err(
  'max of zeros(0)',
  () => torch.zeros(0).max(),
  /max\(\): Expected reduction dim to be specified for input.numel\(\) == 0/,
  'RangeError',
);
err(
  'sum(x=3)',
  () => torch.sum(3 as never),
  /^sum: expected a Tensor, got the number 3/,
  'TypeError',
);

// ---- Views ----------------------------------------------------------------------------------
err(
  'view(4)',
  (w) => w.b.view(4),
  /^view: shape '\[4\]' is invalid for input of size 6/,
  'RangeError',
);
err(
  'view(-1, -1)',
  (w) => w.b.view(-1, -1),
  /^view: only one dimension can be inferred/,
  'RangeError',
);
err('view(2.5, 2)', (w) => w.b.view(2.5, 2), /^view: invalid shape \[2\.5, 2\]/, 'RangeError');
err(
  "reshape('a')",
  (w) => w.b.reshape('a' as never),
  /^reshape: invalid shape: size at dim 0 must be a number, got the string 'a'/,
  'TypeError',
);
err('reshape(-2, 3)', (w) => w.b.reshape(-2, 3), /^reshape: invalid shape \[-2, 3\]/, 'RangeError');
err(
  'view of t()',
  (w) => w.b.t().view(6),
  /view size is not compatible with input tensor's size and stride/,
  'Error',
);
err(
  'transpose(0, 2)',
  (w) => w.b.transpose(0, 2),
  /^transpose: dimension out of range .*but got 2/,
  'RangeError',
);
err(
  'transpose(0.5, 1)',
  (w) => w.b.transpose(0.5, 1),
  /^transpose: dim must be an integer, got the number 0\.5/,
  'TypeError',
);
err(
  't() of 3-d',
  () => torch.zeros(1, 2, 3).t(),
  /t\(\) expects a tensor with <= 2 dimensions, but self is 3D/,
  'RangeError',
);
err(
  'permute(0)',
  (w) => w.b.permute(0),
  /^permute: number of dims 1 \(\[0\]\) does not match the tensor's 2 dims/,
  'RangeError',
);
err('permute(0, 0)', (w) => w.b.permute(0, 0), /^permute: repeated dim in \[0, 0\]/, 'RangeError');
err(
  'permute(0, 5)',
  (w) => w.b.permute(0, 5),
  /^permute: dimension out of range .*but got 5/,
  'RangeError',
);
err(
  'unsqueeze(4)',
  (w) => w.b.unsqueeze(4),
  /^unsqueeze: dimension out of range \(expected to be in range of \[-3, 2\], but got 4\)/,
  'RangeError',
);
err(
  "unsqueeze('0')",
  (w) => w.b.unsqueeze('0' as never),
  /^unsqueeze: dim must be an integer, got the string '0'/,
  'TypeError',
);
err(
  'squeeze(3)',
  (w) => w.b.squeeze(3),
  /^squeeze: dimension out of range .*but got 3/,
  'RangeError',
);
err(
  'squeeze(1.5)',
  (w) => w.b.squeeze(1.5),
  /^squeeze: dim must be an integer, got the number 1\.5/,
  'TypeError',
);
err(
  'flatten(1, 0)',
  (w) => w.b.flatten(1, 0),
  /flatten\(\) has invalid args: start_dim cannot come after end_dim/,
  'RangeError',
);
err(
  'flatten(0, 7)',
  (w) => w.b.flatten(0, 7),
  /^flatten: dimension out of range .*but got 7/,
  'RangeError',
);
err(
  'expand(3, 3)',
  (w) => w.b.expand(3, 3),
  /^expand: the expanded size of the tensor \(3\) must match the existing size \(2\) at non-singleton dimension 0/,
  'RangeError',
);
err(
  'expand(3)',
  (w) => w.b.expand(3),
  /^expand: the number of sizes provided \(1\) must be greater or equal to the number of dimensions in the tensor \(2\)/,
  'RangeError',
);
err(
  'expand(-1, 2, 3)',
  (w) => w.b.expand(-1, 2, 3),
  /^expand: -1 is not allowed in a leading, non-existing dimension/,
  'RangeError',
);
err('expand(2, 3.5)', (w) => w.b.expand(2, 3.5), /^expand: invalid size 3\.5/, 'RangeError');
err(
  'select(0, 2)',
  (w) => w.b.select(0, 2),
  /^select\(\): index 2 out of range for tensor of size \[2, 3\] at dimension 0/,
  'RangeError',
);
err(
  'select(0, 0.5)',
  (w) => w.b.select(0, 0.5),
  /^select\(\): index 0\.5 out of range/,
  'RangeError',
);
err(
  'select of 0-d',
  (w) => w.s.select(0, 0),
  /select\(\) cannot be applied to a 0-dim tensor/,
  'RangeError',
);
err(
  'narrow(1, 2, 2)',
  (w) => w.b.narrow(1, 2, 2),
  /^narrow: start \(2\) \+ length \(2\) exceeds dimension size \(3\)/,
  'RangeError',
);
err(
  'narrow(1, 0, -1)',
  (w) => w.b.narrow(1, 0, -1),
  /^narrow: start \(0\) \+ length \(-1\) exceeds dimension size \(3\)/,
  'RangeError',
);
err(
  'slice(0, 0, 2, 0)',
  (w) => w.b.slice(0, 0, 2, 0),
  /^slice: step must be a positive integer, got 0/,
  'RangeError',
);
err('slice(3)', (w) => w.b.slice(3), /^slice: dimension out of range .*but got 3/, 'RangeError');
err(
  'split(0)',
  (w) => w.b.split(0),
  /^split: split_size can only be 0 if dimension size is 0, but got dimension size of 2/,
  'RangeError',
);
err(
  'split(-1)',
  (w) => w.b.split(-1),
  /^split: split size must be non-negative, got -1/,
  'RangeError',
);
err(
  'split(1.5)',
  (w) => w.b.split(1.5),
  /^split: split size must be an integer or a list of integers, got the number 1\.5/,
  'TypeError',
);
err(
  'split([1, 1], 1)',
  (w) => w.b.split([1, 1], 1),
  /^split_with_sizes expects split_sizes to sum exactly to 3 \(input tensor's size at dimension 1\), but got split_sizes=\[1, 1\]/,
  'RangeError',
);
err(
  'split([1, -1, 3], 1)',
  (w) => w.b.split([1, -1, 3], 1),
  /^split: split sizes must be non-negative integers, got the number -1 at position 1/,
  'TypeError',
);
err(
  "split(1, 'x')",
  (w) => w.b.split(1, 'x' as never),
  /^split: dim must be an integer, got the string 'x'/,
  'TypeError',
);
err(
  'split of 0-d',
  (w) => w.s.split(1),
  /^split: expected a tensor with at least one dimension/,
  'RangeError',
);
err(
  'chunk(0)',
  (w) => w.b.chunk(0),
  /^chunk: chunk expects `chunks` to be greater than 0, got: 0/,
  'RangeError',
);
err(
  'chunk(1.5)',
  (w) => w.b.chunk(1.5),
  /^chunk: chunks must be an integer, got the number 1\.5/,
  'TypeError',
);
err(
  'chunk(2, 2)',
  (w) => w.b.chunk(2, 2),
  /^chunk: dimension out of range .*but got 2/,
  'RangeError',
);
err('unbind(2)', (w) => w.b.unbind(2), /^unbind: dimension out of range .*but got 2/, 'RangeError');
err(
  'unbind of 0-d',
  (w) => w.s.unbind(),
  /^unbind: dimension specified as 0 but tensor has no dimensions/,
  'RangeError',
);
ok(
  'split over an empty dim gives one empty piece',
  () => torch.zeros(0, 2).split(2),
  (out) => expect((out as Tensor[]).length).toBe(1),
);
ok(
  'chunk(3) over an empty dim gives three empty pieces',
  () => torch.zeros(0, 2).chunk(3),
  (out) => expect((out as Tensor[]).length).toBe(3),
);
err(
  "clone({ memory_format: 'contiguous' })",
  (w) => w.b.clone({ memory_format: 'contiguous' } as never),
  /^clone: unknown option 'memory_format' \(did you mean 'memoryFormat'\?\)/,
  'TypeError',
);
err(
  "clone({ memoryFormat: 'channelsLast' })",
  (w) => w.b.clone({ memoryFormat: 'channelsLast' as never }),
  /^clone: option 'memoryFormat' must be 'preserve' or 'contiguous', got the string 'channelsLast'/,
  'TypeError',
);
err('size(2)', (w) => w.b.size(2), /^size: dimension out of range/, 'RangeError');
err(
  'subarrayView of t()',
  (w) => w.b.t().subarrayView(),
  /^subarrayView: the tensor .* is not contiguous/,
  'Error',
);

// ---- In place -------------------------------------------------------------------------------
err(
  'a.add_(1) on a leaf that requires grad',
  (w) => w.a.add_(1),
  /a leaf Variable that requires grad is being used in an in-place operation/,
  'Error',
);
err(
  'a.zero_() on a leaf that requires grad',
  (w) => w.a.zero_(),
  /a leaf Variable that requires grad is being used in an in-place operation/,
  'Error',
);
err(
  'b.add_(zeros(4))',
  (w) => w.b.add_(torch.zeros(4)),
  /^add_?: shapes \[2, 3\] and \[4\] cannot be broadcast/,
  'RangeError',
);
err(
  'b[0].add_(b) (broadcast grows self; b overlaps b[0], which PyTorch checks first)',
  (w) => w.b.select(0, 0).add_(w.b),
  /some elements of the input tensor and the written-to tensor refer to a single memory location/,
  'Error',
);
err(
  'e.add_(1) on an expanded tensor',
  (w) => w.e.add_(1),
  /more than one element of the written-to tensor refers to a single memory location/,
  'Error',
);
err(
  'e.mul_(2) on an expanded tensor',
  (w) => w.e.mul_(2),
  /more than one element of the written-to tensor refers to a single memory location/,
  'Error',
);
err(
  'e.clamp_(0, 1) on an expanded tensor',
  (w) => w.e.clamp_(0, 1),
  /more than one element of the written-to tensor refers to a single memory location/,
  'Error',
);
err(
  'e.uniform_() on an expanded tensor',
  (w) => w.e.uniform_(),
  /more than one element of the written-to tensor refers to a single memory location/,
  'Error',
);
ok(
  'e.fill_(2) on an expanded tensor runs (PyTorch)',
  (w) => w.e.fill_(2),
  (out) => expect(listOf(out)).toEqual([2, 2, 2, 2]),
);
ok(
  'zeros(2, 0).add_(1) runs (PyTorch)',
  () => torch.zeros(2, 0).add_(1),
  (out) => expect(shapeOf(out)).toEqual([2, 0]),
);
err(
  "b.fill_('x')",
  (w) => w.b.fill_('x' as never),
  /^fill_: value must be a number, got the string 'x'/,
  'TypeError',
);
err(
  "b.add_('x')",
  (w) => w.b.add_('x' as never),
  /^add_: expected a Tensor or a number, got the string 'x'/,
  'TypeError',
);
err(
  "b.add_(1, { alpha: 'x' })",
  (w) => w.b.add_(1, { alpha: 'x' as never }),
  /^add_: option 'alpha' must be number, got the string 'x'/,
  'TypeError',
);
err(
  'b.sub_(1, { alfa: 2 })',
  (w) => w.b.sub_(1, { alfa: 2 } as never),
  /^sub_: unknown option 'alfa' \(did you mean 'alpha'\?\)/,
  'TypeError',
);
err(
  'b.clamp_(null, null)',
  (w) => w.b.clamp_(null, null),
  /^clamp_: at least one of 'min' or 'max' must not be null/,
  'TypeError',
);
err(
  "b.clamp_('a', 1)",
  (w) => w.b.clamp_('a' as never, 1),
  /^clamp_: min and max must be numbers, got the string 'a' and the number 1/,
  'TypeError',
);
err(
  'b.copy_(zeros(4))',
  (w) => w.b.copy_(torch.zeros(4)),
  /^copy_: shapes \[2, 3\] and \[4\] cannot be broadcast/,
  'RangeError',
);
err(
  'b.uniform_(2, 1)',
  (w) => w.b.uniform_(2, 1),
  /^uniform_: expects to return a \[from, to\) range, but found from=2 > to=1/,
  'RangeError',
);
err(
  "b.uniform_('0', 1)",
  (w) => w.b.uniform_('0' as never, 1),
  /^uniform_: from and to must be numbers, got the string '0' and the number 1/,
  'TypeError',
);
err(
  'b.normal_(0, -1)',
  (w) => w.b.normal_(0, -1),
  /^normal_: expects std >= 0.0, but found std -1/,
  'RangeError',
);
err(
  "b.normal_('0', 1)",
  (w) => w.b.normal_('0' as never, 1),
  /^normal_: mean must be a number, got the string '0'/,
  'TypeError',
);
err(
  'b.uniform_(0, 1, { generator: 1 })',
  (w) => w.b.uniform_(0, 1, { generator: 1 } as never),
  /^uniform_: option 'generator' must be a Generator, got the number 1/,
  'TypeError',
);
err(
  'n.split(1)[0].add_(1)',
  (w) => w.n.split(1)[0].add_(1),
  /^Output 0 of SplitBackward0 is a view and is being modified inplace/,
  'Error',
);
err(
  'n.chunk(2)[1].mul_(2)',
  (w) => w.n.chunk(2)[1].mul_(2),
  /^Output 1 of SplitBackward0 is a view and is being modified inplace/,
  'Error',
);
err(
  'n.unbind()[1].zero_()',
  (w) => w.n.unbind()[1].zero_(),
  /^Output 1 of UnbindBackward0 is a view and is being modified inplace/,
  'Error',
);
err(
  'n.split([1, 1])[1].clamp_(0)',
  (w) => w.n.split([1, 1])[1].clamp_(0),
  /^Output 1 of SplitWithSizesBackward0 is a view and is being modified inplace/,
  'Error',
);
ok(
  'b.split(1)[0].add_(1) without grad runs',
  (w) => w.b.split(1)[0].add_(1),
  (_, w) =>
    expect(w.b.tolist()).toEqual([
      [1.5, 2.5, 3.5],
      [3.5, 4.5, 5.5],
    ]),
);

// ---- Autograd -------------------------------------------------------------------------------
err(
  "n.sum().backward('x')",
  (w) => w.n.sum().backward('x' as never),
  /^backward: gradient must be a Tensor, a number, null or undefined, got the string 'x'/,
  'TypeError',
);
err(
  'n.sum().backward([1])',
  (w) => w.n.sum().backward([1] as never),
  /^backward: gradient must be a Tensor, a number, null or undefined, got an array/,
  'TypeError',
);
err(
  'n.backward() (not scalar)',
  (w) => w.n.backward(),
  /grad can be implicitly created only for scalar outputs/,
  'Error',
);
err(
  'n.backward(ones(3))',
  (w) => w.n.backward(torch.ones(3)),
  /Mismatch in shape: grad_output\[0\] has a shape of \[3\] and output\[0\] has a shape of \[2, 3\]/,
  'RangeError',
);
err(
  'b.sum().backward() (no grad)',
  (w) => w.b.sum().backward(),
  /element 0 of tensors does not require grad and does not have a grad_fn/,
  'Error',
);
err(
  'n.sum().backward(null, { retain_graph })',
  (w) => w.n.sum().backward(null, { retain_graph: true } as never),
  /^backward: unknown option 'retain_graph' \(did you mean 'retainGraph'\?\)/,
  'TypeError',
);
err(
  "n.sum().backward(null, { createGraph: 'yes' })",
  (w) => w.n.sum().backward(null, { createGraph: 'yes' as never }),
  /^backward: option 'createGraph' must be boolean, got the string 'yes'/,
  'TypeError',
);
err(
  'backward twice',
  (w) => {
    const y = w.n.sum();
    y.backward(null, { retainGraph: false });
    w.a.grad = torch.tensor([
      [2, -4, 6],
      [-8, 10, -12],
    ]);
    y.backward();
  },
  /Trying to backward through the graph a second time/,
  'Error',
);
err(
  'requiresGrad_(1)',
  (w) => w.b.requiresGrad_(1 as never),
  /^requiresGrad_: expected a boolean, got the number 1/,
  'TypeError',
);
err(
  'n.requiresGrad_(false)',
  (w) => w.n.requiresGrad_(false),
  /you can only change requires_grad flags of leaf variables/,
  'Error',
);
err(
  'b.retainGrad()',
  (w) => w.b.retainGrad(),
  /can't retain_grad on Tensor that has requires_grad=False/,
  'Error',
);
err(
  'a.registerHook(1)',
  (w) => w.a.registerHook(1 as never),
  /^registerHook: expected a function, got the number 1/,
  'TypeError',
);
err(
  'b.registerHook(fn)',
  (w) => w.b.registerHook(() => undefined),
  /cannot register a hook on a tensor that doesn't require gradient/,
  'Error',
);
err(
  'a.grad = zeros(3)',
  (w) => {
    w.a.grad = torch.zeros(3);
  },
  /assigned grad has data of a different size: grad \[3\], tensor \[2, 3\]/,
  'RangeError',
);
err(
  "a.grad = 'x'",
  (w) => {
    w.a.grad = 'x' as never;
  },
  /assigned grad expected to be a Tensor or null but got the string 'x'/,
  'TypeError',
);
err(
  'b.data = 3',
  (w) => {
    w.b.data = 3 as never;
  },
  /^data: expected a Tensor, got the number 3/,
  'TypeError',
);
ok(
  'n.sum().backward(null) is the implicit gradient',
  (w) => w.n.sum().backward(null),
  (_, w) =>
    expect(w.a.grad!.tolist()).toEqual([
      [4, -2, 8],
      [-6, 12, -10],
    ]),
);
ok(
  'a.data.sub_(1) between forward and backward runs',
  (w) => {
    const y = w.n.sum();
    w.a.data.sub_(1);
    y.backward();
  },
  (_, w) =>
    expect(w.a.grad!.tolist()).toEqual([
      [4, -2, 8],
      [-6, 12, -10],
    ]),
);

describe("bad inputs: a clear error, or PyTorch's result; nothing changes after an error", () => {
  it(`has at least 150 rows (${rows.length})`, () => {
    expect(rows.length).toBeGreaterThanOrEqual(150);
  });
  for (const row of rows) {
    it(row.name, () => {
      const w = world();
      const before = snapshot(w);
      if ('error' in row) {
        let thrown: unknown;
        try {
          row.run(w);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, 'expected an error').toBeInstanceOf(Error);
        const e = thrown as Error;
        if (row.type === 'TypeError') expect(e).toBeInstanceOf(TypeError);
        if (row.type === 'RangeError') expect(e).toBeInstanceOf(RangeError);
        expect(e.message).toMatch(row.error);
        expect(snapshot(w), 'no tensor or gradient changed').toEqual(before);
      } else {
        row.result(row.run(w), w);
      }
    });
  }
});
