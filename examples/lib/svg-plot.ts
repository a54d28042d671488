/**
 * A small, dependency-free SVG line chart: several series over a shared x axis, linear or
 * logarithmic y, ticks, grid, legend. Non-finite points break a line; a series that ends in NaN or
 * ±inf gets a cross at its last finite point, so that divergence shows on the chart.
 */

/** One line of the chart. */
export interface Series {
  label: string;
  /** y values at x = 0, 1, 2, … (or at `x` when given). NaN and ±inf break the line. */
  y: readonly number[];
  x?: readonly number[];
  color?: string;
  /** Draw dashed. */
  dashed?: boolean;
}

/** Chart settings. */
export interface ChartOptions {
  title: string;
  /** A second, smaller title line. */
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  /** Logarithmic y axis (values ≤ 0 are treated as missing). Default false. */
  logY?: boolean;
  /** Fixed y range; default: the finite data's range. */
  yMin?: number;
  yMax?: number;
  width?: number;
  height?: number;
  /** Width reserved for the legend on the right. Default 210. */
  legendWidth?: number;
  /** Horizontal reference lines, e.g. a baseline loss. */
  hLines?: readonly { y: number; label: string }[];
}

/** Colour-blind-friendly palette (Okabe–Ito, then a few more). */
export const PALETTE = [
  '#000000',
  '#E69F00',
  '#56B4E9',
  '#009E73',
  '#D55E00',
  '#0072B2',
  '#CC79A7',
  '#999999',
  '#8C564B',
  '#F0E442',
  '#17BECF',
];

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const fmt = (v: number): string => {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) {
    const e = Math.floor(Math.log10(a));
    const m = v / 10 ** e;
    return Math.abs(m - 1) < 1e-9 ? `1e${e}` : `${+m.toFixed(1)}e${e}`;
  }
  return String(+v.toPrecision(3));
};

/** About `count` round tick values covering [lo, hi]. */
function linearTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    out.push(+t.toPrecision(12));
  return out;
}

/**
 * Renders the chart as a standalone SVG document.
 *
 * @param series - The lines, drawn in order; colours default to {@link PALETTE}.
 * @param options - Titles, axis labels, log scale, size and reference lines.
 * @returns The SVG text (write it to a `.svg` file).
 * @example
 * writeFileSync('loss.svg', lineChart([{ label: 'loss', y: losses }], { title: 'Loss', xLabel: 'step', yLabel: 'loss', logY: true }));
 */
export function lineChart(series: readonly Series[], options: ChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 420;
  const legendWidth = options.legendWidth ?? 210;
  const margin = { left: 64, right: legendWidth + 16, top: options.subtitle ? 52 : 40, bottom: 48 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const logY = options.logY ?? false;
  const usable = (v: number): boolean => Number.isFinite(v) && (!logY || v > 0);

  let xMin = Infinity;
  let xMax = -Infinity;
  let yLo = Infinity;
  let yHi = -Infinity;
  for (const s of series) {
    s.y.forEach((v, i) => {
      const x = s.x?.[i] ?? i;
      xMin = Math.min(xMin, x);
      xMax = Math.max(xMax, x);
      if (usable(v)) {
        yLo = Math.min(yLo, v);
        yHi = Math.max(yHi, v);
      }
    });
  }
  for (const h of options.hLines ?? []) {
    if (usable(h.y)) {
      yLo = Math.min(yLo, h.y);
      yHi = Math.max(yHi, h.y);
    }
  }
  if (!Number.isFinite(xMin)) [xMin, xMax] = [0, 1];
  if (xMax === xMin) xMax = xMin + 1;
  if (!Number.isFinite(yLo)) [yLo, yHi] = logY ? [0.1, 10] : [0, 1];
  yLo = options.yMin ?? yLo;
  yHi = options.yMax ?? yHi;
  const tr = (v: number): number => (logY ? Math.log10(v) : v);
  let tLo = tr(yLo);
  let tHi = tr(yHi);
  if (tHi - tLo < 1e-12) {
    tLo -= logY ? 0.5 : 0.5 * (Math.abs(tLo) || 1);
    tHi += logY ? 0.5 : 0.5 * (Math.abs(tHi) || 1);
  }
  if (logY) {
    tLo = Math.floor(tLo);
    tHi = Math.ceil(tHi);
  } else {
    const pad = 0.04 * (tHi - tLo);
    tLo -= pad;
    tHi += pad;
  }
  const sx = (x: number): number => margin.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (v: number): number => {
    const t = Math.min(Math.max(tr(v), tLo), tHi);
    return margin.top + plotH - ((t - tLo) / (tHi - tLo)) * plotH;
  };
  const n = (v: number): string => v.toFixed(1);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  );
  if (options.subtitle)
    parts.push(
      `<text x="${width / 2}" y="38" text-anchor="middle" fill="#444">${escapeXml(options.subtitle)}</text>`,
    );

  // Grid and ticks.
  const yTicks: number[] = [];
  if (logY) {
    const decades = tHi - tLo;
    const every = Math.max(1, Math.ceil(decades / 8));
    for (let e = tLo; e <= tHi; e += every) yTicks.push(10 ** e);
  } else yTicks.push(...linearTicks(tLo, tHi, 6).filter((t) => t >= tLo && t <= tHi));
  for (const t of yTicks) {
    const y = sy(t);
    parts.push(
      `<line x1="${margin.left}" y1="${n(y)}" x2="${margin.left + plotW}" y2="${n(y)}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 6}" y="${n(y + 4)}" text-anchor="end">${fmt(t)}</text>`,
    );
  }
  for (const t of linearTicks(xMin, xMax, 8).filter((v) => v >= xMin && v <= xMax)) {
    const x = sx(t);
    parts.push(
      `<line x1="${n(x)}" y1="${margin.top}" x2="${n(x)}" y2="${margin.top + plotH}" stroke="#f0f0f0"/>`,
      `<text x="${n(x)}" y="${margin.top + plotH + 16}" text-anchor="middle">${fmt(t)}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}${logY ? ' (log scale)' : ''}</text>`,
  );

  for (const h of options.hLines ?? []) {
    if (!usable(h.y)) continue;
    const y = sy(h.y);
    parts.push(
      `<line x1="${margin.left}" y1="${n(y)}" x2="${margin.left + plotW}" y2="${n(y)}" stroke="#555" stroke-dasharray="2 3"/>`,
      `<text x="${margin.left + 4}" y="${n(y - 4)}" fill="#555" font-size="11">${escapeXml(h.label)}</text>`,
    );
  }

  // Lines, clipped to the plot area.
  parts.push(
    `<clipPath id="plot-area"><rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}"/></clipPath>`,
    `<g clip-path="url(#plot-area)" fill="none" stroke-width="1.5" stroke-linejoin="round" stroke-opacity="0.85">`,
  );
  const markers: string[] = [];
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    let d = '';
    let pen = false;
    let lastFinite: [number, number] | null = null;
    for (let i = 0; i < s.y.length; i++) {
      const v = s.y[i];
      if (!usable(v)) {
        pen = false;
        continue;
      }
      const px = sx(s.x?.[i] ?? i);
      const py = sy(v);
      d += `${pen ? 'L' : 'M'}${n(px)} ${n(py)}`;
      pen = true;
      lastFinite = [px, py];
    }
    const dash = s.dashed ? ' stroke-dasharray="6 3"' : '';
    if (d) parts.push(`<path d="${d}" stroke="${color}"${dash}/>`);
    const last = s.y[s.y.length - 1];
    if (s.y.length > 0 && !Number.isFinite(last) && lastFinite !== null) {
      const [px, py] = lastFinite;
      markers.push(
        `<path d="M${n(px - 5)} ${n(py - 5)}L${n(px + 5)} ${n(py + 5)}M${n(px - 5)} ${n(py + 5)}L${n(px + 5)} ${n(py - 5)}" stroke="${color}" stroke-width="2.5"/>`,
      );
    }
  });
  parts.push('</g>', ...markers);

  // Legend.
  const lx = width - legendWidth - 4;
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const y = margin.top + 8 + k * 18;
    const dash = s.dashed ? ' stroke-dasharray="6 3"' : '';
    parts.push(
      `<line x1="${lx}" y1="${y}" x2="${lx + 22}" y2="${y}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 28}" y="${y + 4}">${escapeXml(s.label)}</text>`,
    );
  });
  if (series.some((s) => s.y.length > 0 && !Number.isFinite(s.y[s.y.length - 1]))) {
    const y = margin.top + 8 + series.length * 18 + 6;
    parts.push(
      `<text x="${lx}" y="${y + 4}" fill="#555" font-size="11">× = diverged (NaN/inf)</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
