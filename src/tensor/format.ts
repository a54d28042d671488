/**
 * PyTorch's tensor repr (`torch/_tensor_str.py`): integer, fixed (4 decimals) or scientific mode
 * chosen from the values, column widths, 80-character lines and summarisation over 1000 elements.
 * Numbers are rounded like Python's format(): on the exact binary value, ties to even.
 */
import type { Tensor } from './tensor.js';

const PRECISION = 4;
const LINE_WIDTH = 80;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/** Every float32 is a multiple of 2^-149: its exact value is the rational `n / 2^149`. */
const SCALE = 1n << 149n;

/** Rounds `n / d` to an integer, ties to even. */
function roundHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && q % 2n === 1n)) return q + 1n;
  return q;
}

/** Python's `'{:.Nf}'.format(x)`, or with `scientific` its `'{:.Ne}'.format(x)`. */
function formatNumber(x: number, digits: number, scientific: boolean): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const n = BigInt(Math.abs(x) * 2 ** 149);
  if (!scientific) {
    const q = roundHalfEven(n * 10n ** BigInt(digits), SCALE)
      .toString()
      .padStart(digits + 1, '0');
    const int = q.slice(0, q.length - digits);
    return sign + int + (digits > 0 ? '.' + q.slice(q.length - digits) : '');
  }
  if (x === 0) return `${sign}${(0).toFixed(digits)}e+00`;
  let k = Math.floor(Math.log10(Math.abs(x)));
  // Fix the estimate so that 10^k <= |x| < 10^(k+1), exactly.
  const pow10 = (e: number) =>
    e >= 0 ? { n: 10n ** BigInt(e), d: 1n } : { n: 1n, d: 10n ** BigInt(-e) };
  const below = (e: number) => {
    const p = pow10(e);
    return n * p.d < p.n * SCALE;
  };
  while (below(k)) k--;
  while (!below(k + 1)) k++;
  const p = pow10(digits - k);
  let q = roundHalfEven(n * p.n, SCALE * p.d);
  if (q === 10n ** BigInt(digits + 1)) {
    q /= 10n;
    k++;
  }
  const s = q.toString();
  const mantissa = digits > 0 ? `${s[0]}.${s.slice(1)}` : s;
  const exp = `${k < 0 ? '-' : '+'}${String(Math.abs(k)).padStart(2, '0')}`;
  return `${sign}${mantissa}e${exp}`;
}

class Formatter {
  private intMode = true;
  private sciMode = false;
  /** The widest element's text, the width every element is padded to. */
  maxWidth = 1;

  constructor(values: Float32Array) {
    const finite: number[] = [];
    for (const v of values) if (Number.isFinite(v) && v !== 0) finite.push(v);
    if (finite.length === 0) return;
    let min = Infinity;
    let max = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
      if (v !== Math.ceil(v)) this.intMode = false;
    }
    // Integer values switch to scientific on range alone; fractions also when tiny.
    this.sciMode = max / min > 1000 || max > 1e8 || (!this.intMode && min < 1e-4);
    for (const v of finite) this.maxWidth = Math.max(this.maxWidth, this.text(v).length);
  }

  /** `v` in the chosen mode, unpadded (integer mode ends finite values with a '.'). */
  private text(v: number): string {
    if (this.intMode && !this.sciMode)
      return formatNumber(v, 0, false) + (Number.isFinite(v) ? '.' : '');
    return formatNumber(v, PRECISION, this.sciMode);
  }

  format(v: number): string {
    return this.text(v).padStart(this.maxWidth);
  }
}

/** Nested row-major values with their shape, read without autograd. */
interface Block {
  values: Float32Array;
  shape: readonly number[];
}

function sub(block: Block, i: number): Block {
  const inner = block.shape.slice(1).reduce((a, b) => a * b, 1);
  return { values: block.values.subarray(i * inner, (i + 1) * inner), shape: block.shape.slice(1) };
}

/**
 * The positions shown along a dim of `size`: all of them, or when summarising a long dim the
 * first and last EDGE_ITEMS with -1 standing for the elision between them.
 */
function shownPositions(size: number, summarize: boolean): number[] {
  if (!summarize || size <= 2 * EDGE_ITEMS) return [...Array(size).keys()];
  const last = Array.from({ length: EDGE_ITEMS }, (_, k) => size - EDGE_ITEMS + k);
  return [...Array(EDGE_ITEMS).keys(), -1, ...last];
}

/** The values shown when summarising: first and last EDGE_ITEMS along every dim. */
function summarizedValues(block: Block): number[] {
  if (block.shape.length === 0) return [block.values[0]];
  return shownPositions(block.shape[0], true).flatMap((i) =>
    i < 0 ? [] : summarizedValues(sub(block, i)),
  );
}

function vectorString(block: Block, indent: number, summarize: boolean, fmt: Formatter): string {
  const elementLength = fmt.maxWidth + 2;
  const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / elementLength));
  const cells = shownPositions(block.shape[0], summarize).map((i) =>
    i < 0 ? ' ...' : fmt.format(block.values[i]),
  );
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += perLine)
    lines.push(cells.slice(i, i + perLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function blockString(block: Block, indent: number, summarize: boolean, fmt: Formatter): string {
  const dim = block.shape.length;
  if (dim === 0) return fmt.format(block.values[0]);
  if (dim === 1) return vectorString(block, indent, summarize, fmt);
  const parts = shownPositions(block.shape[0], summarize).map((i) =>
    i < 0 ? '...' : blockString(sub(block, i), indent + 1, summarize, fmt),
  );
  return '[' + parts.join(',' + '\n'.repeat(dim - 1) + ' '.repeat(indent + 1)) + ']';
}

function addSuffixes(body: string, suffixes: string[], indent: number): string {
  let out = body;
  let lastLineLength = body.length - body.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > LINE_WIDTH) {
      out += ',\n' + ' '.repeat(indent) + suffix;
      lastLineLength = indent + suffix.length;
    } else {
      out += ', ' + suffix;
      lastLineLength += suffix.length + 2;
    }
  }
  return out + ')';
}

export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (t.numel() === 0) {
    body = '[]';
    if (!(t.dim() === 1 && t.shape[0] === 0))
      suffixes.push(`size=(${t.shape.join(', ')}${t.dim() === 1 ? ',' : ''})`);
  } else {
    const block: Block = { values: t.toFloat32Array(), shape: t.shape };
    const summarize = t.numel() > THRESHOLD;
    const fmt = new Formatter(
      summarize ? Float32Array.from(summarizedValues(block)) : block.values,
    );
    body = blockString(block, indent, summarize, fmt);
  }
  if (t.gradFn) suffixes.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return prefix + addSuffixes(body, suffixes, indent);
}
