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

/** The exact value of a float32 as a rational `n / 2^149` (every float32 is a multiple of 2^-149). */
const SCALE_BITS = 149n;

function exactParts(x: number): { n: bigint; d: bigint } {
  return { n: BigInt(Math.abs(x) * 2 ** 149), d: 1n << SCALE_BITS };
}

/** Rounds `n / d` to an integer, ties to even. */
function roundHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && q % 2n === 1n)) return q + 1n;
  return q;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Python's `'{:.Nf}'.format(x)`. */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const { n, d } = exactParts(x);
  const q = roundHalfEven(n * 10n ** BigInt(digits), d)
    .toString()
    .padStart(digits + 1, '0');
  const int = q.slice(0, q.length - digits);
  const frac = q.slice(q.length - digits);
  return signOf(x) + int + (digits > 0 ? '.' + frac : '');
}

/** Python's `'{:.Ne}'.format(x)`. */
export function formatScientific(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return `${signOf(x)}${(0).toFixed(digits)}e+00`;
  const { n, d } = exactParts(x);
  let k = Math.floor(Math.log10(Math.abs(x)));
  // Fix the estimate so that 10^k <= |x| < 10^(k+1), exactly.
  const pow10 = (e: number) =>
    e >= 0 ? { n: 10n ** BigInt(e), d: 1n } : { n: 1n, d: 10n ** BigInt(-e) };
  const below = (e: number) => {
    const p = pow10(e);
    return n * p.d < p.n * d;
  };
  while (below(k)) k--;
  while (!below(k + 1)) k++;
  const shift = digits - k;
  const p = pow10(shift);
  let q = roundHalfEven(n * p.n, d * p.d);
  if (q === 10n ** BigInt(digits + 1)) {
    q /= 10n;
    k++;
  }
  const s = q.toString();
  const mantissa = digits > 0 ? `${s[0]}.${s.slice(1)}` : s;
  const exp = `${k < 0 ? '-' : '+'}${String(Math.abs(k)).padStart(2, '0')}`;
  return `${signOf(x)}${mantissa}e${exp}`;
}

class Formatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

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
    if (this.intMode) {
      if (max / min > 1000 || max > 1e8) {
        this.sciMode = true;
        for (const v of finite)
          this.maxWidth = Math.max(this.maxWidth, formatScientific(v, PRECISION).length);
      } else {
        for (const v of finite)
          this.maxWidth = Math.max(this.maxWidth, formatFixed(v, 0).length + 1);
      }
    } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
      this.sciMode = true;
      for (const v of finite)
        this.maxWidth = Math.max(this.maxWidth, formatScientific(v, PRECISION).length);
    } else {
      for (const v of finite)
        this.maxWidth = Math.max(this.maxWidth, formatFixed(v, PRECISION).length);
    }
  }

  width(): number {
    return this.maxWidth;
  }

  format(v: number): string {
    let s: string;
    if (this.sciMode) s = formatScientific(v, PRECISION);
    else if (this.intMode) {
      s = formatFixed(v, 0);
      if (Number.isFinite(v)) s += '.';
    } else s = formatFixed(v, PRECISION);
    return s.padStart(this.maxWidth, ' ');
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

/** The values shown when summarising: first and last EDGE_ITEMS along every dim. */
function summarizedValues(block: Block): number[] {
  if (block.shape.length === 0) return [block.values[0]];
  const size = block.shape[0];
  const idx =
    size > 2 * EDGE_ITEMS
      ? [
          ...Array(EDGE_ITEMS).keys(),
          ...Array.from({ length: EDGE_ITEMS }, (_, k) => size - EDGE_ITEMS + k),
        ]
      : [...Array(size).keys()];
  return idx.flatMap((i) => summarizedValues(sub(block, i)));
}

function vectorString(block: Block, indent: number, summarize: boolean, fmt: Formatter): string {
  const elementLength = fmt.width() + 2;
  const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / elementLength));
  const size = block.shape[0];
  const cells: string[] = [];
  if (summarize && size > 2 * EDGE_ITEMS) {
    for (let i = 0; i < EDGE_ITEMS; i++) cells.push(fmt.format(block.values[i]));
    cells.push(' ...');
    for (let i = size - EDGE_ITEMS; i < size; i++) cells.push(fmt.format(block.values[i]));
  } else {
    for (let i = 0; i < size; i++) cells.push(fmt.format(block.values[i]));
  }
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += perLine)
    lines.push(cells.slice(i, i + perLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function blockString(block: Block, indent: number, summarize: boolean, fmt: Formatter): string {
  const dim = block.shape.length;
  if (dim === 0) return fmt.format(block.values[0]);
  if (dim === 1) return vectorString(block, indent, summarize, fmt);
  const size = block.shape[0];
  const parts: string[] = [];
  if (summarize && size > 2 * EDGE_ITEMS) {
    for (let i = 0; i < EDGE_ITEMS; i++)
      parts.push(blockString(sub(block, i), indent + 1, summarize, fmt));
    parts.push('...');
    for (let i = size - EDGE_ITEMS; i < size; i++)
      parts.push(blockString(sub(block, i), indent + 1, summarize, fmt));
  } else {
    for (let i = 0; i < size; i++)
      parts.push(blockString(sub(block, i), indent + 1, summarize, fmt));
  }
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
