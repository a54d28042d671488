/**
 * Exploding gradients, and what each clipping method does about them: a vanilla RNN (nn.RNN, tanh)
 * and an LSTM (nn.LSTM) learn the adding problem — sequences of 100 steps of (value, marker) pairs,
 * the target being the sum of the two marked values — with plain SGD + momentum, once without
 * clipping and once with each of clipGradNorm_, clipGradValue_, clipping.adaptiveClipGrad_ (AGC),
 * clipping.ZClip and clipping.AutoClip at a few settings, over several seeds. Every run of one seed
 * sees the same initial weights and the same batches, so the methods differ in clipping only.
 *
 *   npx tsx examples/exploding-gradients.ts            # the default run (~3 minutes on 2 cores)
 *   npx tsx examples/exploding-gradients.ts --steps 600 --seeds 5
 *   options: --steps N --seeds N --seq-len N --batch-size N --hidden N --lr X --momentum X
 *            --recurrent-gain X --models rnn,lstm --methods none,AGC (names to keep; default all)
 *            --lstm-seeds N (default 2) --all-on-lstm (every setting on the LSTM too)
 *            --out DIR (where the SVGs go; '' for none) --quiet
 *
 * It writes SVG charts of the loss and the gradient norm over the steps (docs/images/…) and prints
 * a markdown table of the final loss, the divergences and the time of every method — the table in
 * docs/choosing-a-clipping-method.md comes from the default run.
 *
 * To make gradients explode on purpose, the RNN's recurrent matrix starts with a spectral radius
 * around `--recurrent-gain` (default 1.5; PyTorch's default init gives about 0.6, where gradients
 * vanish instead) and the learning rate is high for SGD with momentum.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../src/index.js';
import { nn, clipping, type Tensor } from '../src/index.js';
import { PALETTE, lineChart, type Series } from './lib/svg-plot.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const defaults = {
  steps: 100,
  seeds: 3,
  seqLen: 100,
  batchSize: 16,
  hidden: 16,
  lr: 0.1,
  momentum: 0.9,
  recurrentGain: 1.5,
  models: 'rnn,lstm',
  methods: '',
  lstmSeeds: 2,
  allOnLstm: false,
  out: join(root, 'docs', 'images'),
  quiet: false,
};
/** The example's settings, from `--kebab-case` arguments. */
export type Args = typeof defaults;

/** Reads `--steps 300`-style arguments. */
export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!(key in args)) throw new Error(`unknown argument ${argv[i]}`);
    const k = key as keyof Args;
    if (typeof args[k] === 'boolean') (args as Record<string, unknown>)[k] = true;
    else if (typeof args[k] === 'number') (args as Record<string, unknown>)[k] = Number(argv[++i]);
    else (args as Record<string, unknown>)[k] = argv[++i] ?? '';
  }
  return args;
}

/** The loss of always predicting 1, the mean target: the variance of a sum of two U(0, 1) draws. */
export const BASELINE_LOSS = 1 / 6;
/** A run whose loss exceeds this (60× the baseline), or turns NaN/inf, has diverged and is stopped. */
export const BLOW_UP_LOSS = 10;

/**
 * `count` batches of the adding problem: inputs `[seqLen, batch, 2]` (a U(0, 1) value and a 0/1
 * marker; one marker in each half of the sequence) and targets `[batch, 1]` (the two marked values'
 * sum), drawn from their own generator so that every method sees the same data.
 */
export function addingProblem(
  count: number,
  seqLen: number,
  batch: number,
  seed: number,
): [Tensor, Tensor][] {
  const generator = new torch.Generator().manualSeed(seed);
  const half = Math.floor(seqLen / 2);
  const out: [Tensor, Tensor][] = [];
  for (let k = 0; k < count; k++) {
    const values = torch.rand([seqLen, batch], { generator }).tolist() as number[][];
    const where = torch.rand([2, batch], { generator }).tolist() as number[][];
    const x = new Float32Array(seqLen * batch * 2);
    const y = new Float32Array(batch);
    for (let b = 0; b < batch; b++) {
      const first = Math.floor(where[0][b] * half);
      const second = half + Math.floor(where[1][b] * (seqLen - half));
      for (let t = 0; t < seqLen; t++) x[(t * batch + b) * 2] = values[t][b];
      x[(first * batch + b) * 2 + 1] = 1;
      x[(second * batch + b) * 2 + 1] = 1;
      y[b] = values[first][b] + values[second][b];
    }
    out.push([
      torch.tensor(x, { shape: [seqLen, batch, 2] }),
      torch.tensor(y, { shape: [batch, 1] }),
    ]);
  }
  return out;
}

/** A recurrent layer and a linear read-out of its last state. */
export class AddingModel extends nn.Module {
  rnn: nn.RNN | nn.LSTM;
  head: nn.Linear;
  constructor(kind: 'rnn' | 'lstm', hidden: number) {
    super();
    this.rnn = kind === 'rnn' ? new nn.RNN(2, hidden) : new nn.LSTM(2, hidden);
    this.head = new nn.Linear(hidden, 1);
  }

  forward(x: Tensor): Tensor {
    const [output] = this.rnn.call(x) as [Tensor, unknown];
    return this.head.call(output.select(0, output.shape[0] - 1)) as Tensor;
  }
}

/** A clipping method at one setting; `make` gives a fresh clipper (with fresh state) for one run. */
export interface Method {
  name: string;
  setting: string;
  /** Also run on the LSTM (one setting per method there, to keep the default run short). */
  lstm: boolean;
  make(): (model: nn.Module) => void;
}

/** The compared methods: no clipping, and each method at a few settings. */
export const METHODS: readonly Method[] = [
  { name: 'none', setting: '', lstm: true, make: () => () => {} },
  ...[1, 0.1].map((maxNorm): Method => ({
    name: 'clipGradNorm_',
    setting: `maxNorm ${maxNorm}`,
    lstm: maxNorm === 1,
    make: () => (m) => void torch.clipGradNorm_(m.parameters(), maxNorm),
  })),
  ...[0.1, 0.01].map((clipValue): Method => ({
    name: 'clipGradValue_',
    setting: `clipValue ${clipValue}`,
    lstm: clipValue === 0.1,
    make: () => (m) => torch.clipGradValue_(m.parameters(), clipValue),
  })),
  ...[0.1, 0.01].map((clipFactor): Method => ({
    name: 'AGC',
    setting: `clipFactor ${clipFactor}`,
    lstm: clipFactor === 0.01,
    make: () => (m) => clipping.adaptiveClipGrad_(m, clipFactor),
  })),
  {
    name: 'ZClip',
    setting: 'defaults (zThresh 2.5, maxGradNorm 1)',
    lstm: true,
    make: () => {
      const z = new clipping.ZClip();
      return (m) => void z.step(m);
    },
  },
  {
    name: 'ZClip',
    setting: 'maxGradNorm null',
    lstm: false,
    make: () => {
      const z = new clipping.ZClip({ maxGradNorm: null });
      return (m) => void z.step(m);
    },
  },
  ...[10, 50].map((percentile): Method => ({
    name: 'AutoClip',
    setting: `percentile ${percentile}`,
    lstm: percentile === 10,
    make: () => {
      const a = new clipping.AutoClip({ percentile });
      return (m) => void a.step(m);
    },
  })),
];

/** The record of one training run. */
export interface RunResult {
  model: 'rnn' | 'lstm';
  method: Method;
  seed: number;
  /** Training loss per step (a fresh batch each step); ends in NaN when the run diverged. */
  losses: number[];
  /** Total 2-norm of the gradients per step, before clipping. */
  gradNorms: number[];
  /** The step at which the loss turned non-finite or exceeded BLOW_UP_LOSS, or null. */
  divergedAt: number | null;
  /** Mean loss over the last tenth of the steps (NaN when diverged). */
  finalLoss: number;
  seconds: number;
}

/** Trains one model with one method on one seed's batches. */
export function trainRun(
  kind: 'rnn' | 'lstm',
  method: Method,
  seed: number,
  batches: readonly [Tensor, Tensor][],
  args: Args,
): RunResult {
  const started = performance.now();
  torch.manualSeed(seed);
  const model = new AddingModel(kind, args.hidden);
  if (kind === 'rnn') {
    // Spectral radius ≈ gain: the regime where backpropagation through 100 steps explodes.
    const w = (model.rnn as nn.RNN).namedParameters().find(([n]) => n === 'weight_hh_l0')![1];
    nn.init.normal_(w, 0, args.recurrentGain / Math.sqrt(args.hidden));
  }
  const optimizer = new torch.optim.SGD(model.parameters(), {
    lr: args.lr,
    momentum: args.momentum,
  });
  const clip = method.make();
  const losses: number[] = [];
  const gradNorms: number[] = [];
  let divergedAt: number | null = null;
  for (let step = 0; step < batches.length; step++) {
    const [x, y] = batches[step];
    optimizer.zeroGrad();
    const loss = nn.functional.mseLoss(model.call(x) as Tensor, y);
    const value = loss.item();
    losses.push(value);
    if (!Number.isFinite(value) || value > BLOW_UP_LOSS) {
      divergedAt = step;
      if (Number.isFinite(value)) losses.push(NaN); // marks the end of the line on the chart
      break;
    }
    loss.backward();
    const grads = model
      .parameters()
      .map((p) => p.grad)
      .filter((g): g is Tensor => g !== null);
    gradNorms.push(torch.getTotalNorm(grads).item());
    clip(model);
    optimizer.step();
  }
  const tail = Math.max(1, Math.floor(batches.length / 10));
  const finalLoss =
    divergedAt === null ? losses.slice(-tail).reduce((a, b) => a + b, 0) / tail : NaN;
  return {
    model: kind,
    method,
    seed,
    losses,
    gradNorms,
    divergedAt,
    finalLoss,
    seconds: (performance.now() - started) / 1000,
  };
}

const label = (m: Method): string => (m.setting ? `${m.name} (${m.setting})` : m.name);
/** Legend text: `clipGradNorm_ 1`, `AGC 0.01`, `ZClip defaults`, `AutoClip p10`, … */
const shortLabel = (m: Method): string =>
  m.setting
    ? `${m.name} ${m.setting
        .replace(/ \(.*\)$/, '')
        .replace(/^(maxNorm|clipValue|clipFactor) /, '')
        .replace(/^percentile /, 'p')}`
    : m.name;

/** A `window`-step trailing moving average that keeps NaN where the data ends in NaN. */
export function movingAverage(values: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      out.push(NaN);
      continue;
    }
    sum += values[i];
    if (i >= window && Number.isFinite(values[i - window])) sum -= values[i - window];
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const num = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : '—');

/** The markdown table: one row per model and method, aggregated over seeds. */
export function markdownTable(results: readonly RunResult[]): string {
  const rows = [
    '| model | method | setting | final loss, median (min–max) | diverged | max grad norm (median) | s / run |',
    '|---|---|---|---|---|---|---|',
  ];
  const keys = [...new Set(results.map((r) => `${r.model}\u0000${label(r.method)}`))];
  for (const key of keys) {
    const runs = results.filter((r) => `${r.model}\u0000${label(r.method)}` === key);
    const { model, method } = runs[0];
    const finals = runs.filter((r) => r.divergedAt === null).map((r) => r.finalLoss);
    const diverged = runs.filter((r) => r.divergedAt !== null);
    const divText =
      diverged.length === 0
        ? `0/${runs.length}`
        : `${diverged.length}/${runs.length} (step ${diverged.map((r) => r.divergedAt).join(', ')})`;
    const lossText = finals.length
      ? `${num(median(finals))} (${num(Math.min(...finals))}–${num(Math.max(...finals))})`
      : '—';
    const maxNorms = runs.map((r) => Math.max(...r.gradNorms.filter(Number.isFinite)));
    rows.push(
      `| ${model.toUpperCase()} | ${method.name === 'none' ? 'none' : `\`${method.name}\``} | ${method.setting || '—'} | ${lossText} | ${divText} | ` +
        `${num(median(maxNorms), 1)} | ${num(median(runs.map((r) => r.seconds)), 1)} |`,
    );
  }
  return rows.join('\n');
}

/** Loss and gradient-norm charts of one model's first seed. */
export function charts(
  results: readonly RunResult[],
  kind: 'rnn' | 'lstm',
  args: Args,
): { loss: string; gradNorm: string } {
  const runs = results.filter((r) => r.model === kind && r.seed === 0);
  const name = kind === 'rnn' ? 'vanilla RNN (tanh)' : 'LSTM';
  const dashed = (m: Method) => m.name === 'ZClip' || m.name === 'AutoClip';
  // One colour per method and setting, the same on every chart.
  const color = (m: Method) => PALETTE[Math.max(0, METHODS.indexOf(m)) % PALETTE.length];
  const lossSeries: Series[] = runs.map((r) => ({
    label: shortLabel(r.method),
    color: color(r.method),
    y: movingAverage(r.losses, 10),
    dashed: dashed(r.method),
  }));
  const normSeries: Series[] = runs.map((r) => ({
    label: shortLabel(r.method),
    color: color(r.method),
    y: r.divergedAt === null ? r.gradNorms : [...r.gradNorms, NaN],
    dashed: dashed(r.method),
  }));
  const sub =
    `adding problem, sequences of ${args.seqLen}, hidden ${args.hidden}, SGD lr ${args.lr} ` +
    `momentum ${args.momentum}, seed 0`;
  return {
    loss: lineChart(lossSeries, {
      title: `${name}: training loss (10-step mean)`,
      subtitle: sub,
      xLabel: 'optimizer step',
      yLabel: 'MSE loss',
      logY: true,
      hLines: [{ y: BASELINE_LOSS, label: 'predict the mean (1/6)' }],
      width: 860,
    }),
    gradNorm: lineChart(
      normSeries.filter((_, i) => runs[i].method.lstm),
      {
        title: `${name}: gradient norm before clipping (one setting per method)`,
        subtitle: sub,
        xLabel: 'optimizer step',
        yLabel: 'total gradient 2-norm',
        logY: true,
        width: 860,
      },
    ),
  };
}

/** Runs every model × method × seed; prints progress and the table; writes the charts. */
export function main(
  argv: readonly string[],
  log: (line: string) => void = console.log,
): RunResult[] {
  const args = parseArgs(argv);
  const models = args.models.split(',').filter(Boolean) as ('rnn' | 'lstm')[];
  for (const m of models) if (m !== 'rnn' && m !== 'lstm') throw new Error(`unknown model ${m}`);
  const keep = args.methods.split(',').filter(Boolean);
  const methods = METHODS.filter((m) => keep.length === 0 || keep.includes(m.name));
  const started = performance.now();
  // Collect the pitfall warnings (e.g. a clip coefficient below 1e-3 on 10 steps in a row) and
  // report which runs raised them, instead of printing each as it happens.
  const warnings = new Map<string, string[]>();
  let current = '';
  clipping.onWarning((message, kind) => {
    const runs = warnings.get(kind) ?? [];
    if (!runs.includes(current)) runs.push(current);
    warnings.set(kind, runs);
    void message;
  });
  const results: RunResult[] = [];
  for (let seed = 0; seed < args.seeds; seed++) {
    const batches = addingProblem(args.steps, args.seqLen, args.batchSize, 1000 + seed);
    for (const kind of models.filter((k) => k === 'rnn' || seed < args.lstmSeeds)) {
      for (const method of methods.filter((m) => kind === 'rnn' || m.lstm || args.allOnLstm)) {
        current = `${kind} ${label(method)}`;
        clipping.resetPitfallTracking(); // each kind warns once per run, not once per process
        const r = trainRun(kind, method, seed, batches, args);
        results.push(r);
        if (!args.quiet)
          log(
            `${kind.padEnd(4)} seed ${seed}  ${label(method).padEnd(48)} ` +
              (r.divergedAt === null
                ? `final loss ${num(r.finalLoss, 4)}`
                : `diverged at step ${r.divergedAt}`) +
              `  max grad norm ${num(Math.max(...r.gradNorms.filter(Number.isFinite)), 1)}  ${r.seconds.toFixed(1)}s`,
          );
      }
    }
  }
  clipping.onWarning(null);
  log('');
  log(markdownTable(results));
  log('');
  for (const [kind, runs] of warnings)
    log(`pitfall warning '${kind}' raised in: ${runs.join('; ')}`);
  if (args.out !== '') {
    mkdirSync(args.out, { recursive: true });
    for (const kind of models) {
      const c = charts(results, kind, args);
      for (const [what, svg] of [
        ['loss', c.loss],
        ['grad-norm', c.gradNorm],
      ] as const) {
        const file = join(args.out, `exploding-gradients-${kind}-${what}.svg`);
        writeFileSync(file, svg);
        log(`wrote ${file}`);
      }
    }
  }
  log(
    `${results.length} runs of ${args.steps} steps in ${((performance.now() - started) / 1000).toFixed(0)}s`,
  );
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  main(process.argv.slice(2));
