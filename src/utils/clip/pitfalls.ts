/**
 * Pitfall warnings: the classic clipping mistakes that pass silently in every other library.
 *
 * - `'no-grad'`: clipping when no parameter has a gradient yet (clipping before `backward()`).
 * - `'too-late'`: clipping gradients that `optimizer.step()` has already used.
 * - `'partial'`: an optimizer step where some of its parameters' gradients were clipped since the
 *   last backward and others were not (a group or a second model left out of clipping).
 * - `'tiny-coefficient'`: a clip coefficient below 1e-3 on 10 clipping calls in a row.
 *
 * Everything is tracked through the gradients' storage versions, kept in WeakMaps keyed by the
 * parameter: `backward()` writes a gradient either as a new tensor or in place (a version bump),
 * zeroing bumps it, and clipping bumps it — so "this gradient is still exactly what clipping (or
 * the optimizer) last saw" is one identity and one integer comparison. The cost is a few map
 * look-ups per parameter per call, nothing per element, and nothing at all when warnings are off.
 *
 * The optimizer base class reports each step here (`onOptimizerStep` at its start,
 * `onOptimizerStepEnd` at its end); clipping an optimizer runs itself is wrapped in `quietly` so
 * it is never mistaken for the user's own clipping.
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { Storage } from '../../tensor/storage.js';
import { describe } from '../../tensor/tensor.js';

/** What a pitfall does when it is detected. */
export type PitfallMode = 'warn' | 'error' | 'off';

/** The kinds of pitfall, as passed to a warning handler. */
export type PitfallKind = 'no-grad' | 'too-late' | 'partial' | 'tiny-coefficient';

/** A warning handler: receives the message and the kind of pitfall. */
export type WarningHandler = (message: string, kind: PitfallKind) => void;

/** Consecutive clipping calls with a tiny coefficient that make the `'tiny-coefficient'` warning. */
export const TINY_COEFFICIENT_STREAK = 10;
/** A clip coefficient below this counts as tiny. */
export const TINY_COEFFICIENT = 1e-3;

let mode: PitfallMode = 'warn';
let handler: WarningHandler | null = null;
let warned = new Set<PitfallKind>();
let quietDepth = 0;
let tinyStreak = 0;

/** What the tracker last saw of one parameter's gradient. */
interface GradRecord {
  /** The gradient tensor clipping last wrote, its storage and that storage's version after. */
  clipGrad: Tensor | null;
  clipStorage: Storage | null;
  clipVersion: number;
  /** The gradient tensor the last optimizer step consumed, its storage and version. */
  stepGrad: Tensor | null;
  stepStorage: Storage | null;
  stepVersion: number;
}

let records = new WeakMap<Tensor, GradRecord>();

function recordOf(p: Tensor): GradRecord {
  let r = records.get(p);
  if (r === undefined) {
    r = {
      clipGrad: null,
      clipStorage: null,
      clipVersion: -1,
      stepGrad: null,
      stepStorage: null,
      stepVersion: -1,
    };
    records.set(p, r);
  }
  return r;
}

function tracking(): boolean {
  return mode !== 'off' && quietDepth === 0;
}

/**
 * Reports a pitfall: in `'warn'` mode once per kind through the handler (default `console.warn`),
 * in `'error'` mode by throwing (every time), in `'off'` mode not at all.
 */
function report(kind: PitfallKind, message: string): void {
  if (mode === 'off') return;
  if (mode === 'error') throw new Error(message);
  if (warned.has(kind)) return;
  warned.add(kind);
  if (handler !== null) handler(message, kind);
  else console.warn(message);
}

/**
 * Chooses what the pitfall warnings do: `'warn'` (the default) reports each kind once through the
 * handler set by {@link onWarning}; `'error'` throws an `Error` with the same message instead
 * (every time, before the call changes anything); `'off'` disables them and their tracking (no
 * cost at all). Setting the mode also forgets which kinds have already been reported.
 *
 * @param newMode - `'warn'`, `'error'` or `'off'`.
 * @returns The previous mode, so a caller can restore it.
 * @throws TypeError for any other value.
 * @example
 * clipping.setPitfallWarnings('error'); // in tests: fail on any clipping pitfall
 */
export function setPitfallWarnings(newMode: PitfallMode): PitfallMode {
  if (newMode !== 'warn' && newMode !== 'error' && newMode !== 'off') {
    throw new TypeError(
      `setPitfallWarnings: mode must be 'warn', 'error' or 'off', got ${describe(newMode)}`,
    );
  }
  const previous = mode;
  mode = newMode;
  warned = new Set();
  tinyStreak = 0;
  return previous;
}

/**
 * The current pitfall mode (`'warn'`, `'error'` or `'off'`).
 *
 * @returns The mode set by `setPitfallWarnings` (default `'warn'`).
 */
export function pitfallWarnings(): PitfallMode {
  return mode;
}

/**
 * Sends pitfall warnings to `fn` instead of `console.warn` (replacing any handler set before);
 * `onWarning(null)` restores `console.warn`. Installing a handler also forgets which kinds have
 * already been reported, so each kind is reported once more to the new handler.
 *
 * @param fn - Called as `fn(message, kind)`; or `null` for `console.warn`.
 * @throws TypeError when `fn` is neither a function nor `null`.
 * @example
 * const seen: string[] = [];
 * clipping.onWarning((message) => seen.push(message));
 */
export function onWarning(fn: WarningHandler | null): void {
  if (fn !== null && typeof fn !== 'function') {
    throw new TypeError(`onWarning: fn must be a function or null, got ${describe(fn)}`);
  }
  handler = fn;
  warned = new Set();
}

/**
 * Forgets everything the tracker knows (which kinds were reported, clipped and consumed gradients,
 * the tiny-coefficient streak). Useful between independent runs in one process, such as tests.
 */
export function resetPitfallTracking(): void {
  warned = new Set();
  records = new WeakMap();
  tinyStreak = 0;
}

/**
 * @internal Called by every clipping function after it has validated its arguments and before it
 * writes anything: reports clipping before any gradient exists and clipping of gradients an
 * optimizer step has already consumed. `coefficient`/`total`/`maxNorm` (norm-based clipping
 * only) feed the tiny-coefficient streak.
 */
export function beforeClip(
  op: string,
  params: readonly Tensor[],
  norm?: { coefficient: number; total: number; maxNorm: number },
): void {
  if (!tracking()) return;
  let withGrad = 0;
  let wantsGrad = false;
  let consumed = 0;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const g = p.grad;
    if (g === null) {
      if (!wantsGrad && p.requiresGrad) wantsGrad = true;
      continue;
    }
    withGrad++;
    const r = records.get(p);
    if (
      r !== undefined &&
      r.stepGrad === g &&
      r.stepStorage === g._storage &&
      r.stepVersion === g._storage.version
    )
      consumed++;
  }
  if (withGrad === 0 && wantsGrad) {
    report(
      'no-grad',
      `${op}: none of the ${params.length} parameters has a gradient yet, so nothing was clipped. ` +
        'This usually means clipping runs before loss.backward() (or between optimizer.zeroGrad() ' +
        'and backward()), and the gradients of this step will reach optimizer.step() unclipped. ' +
        'Fix: clip after loss.backward() and before optimizer.step() ' +
        '(backward → clip → step → zeroGrad).',
    );
  }
  if (consumed > 0) {
    report(
      'too-late',
      `${op}: ${consumed} of the ${withGrad} gradients being clipped were already used by ` +
        'optimizer.step() and have not changed since, so this clipping is too late: that step ' +
        'updated the parameters with the unclipped gradients, and the clipped ones will only be ' +
        'zeroed or accumulated into. Fix: clip after loss.backward() and before optimizer.step() ' +
        '(backward → clip → step → zeroGrad).',
    );
  }
  if (norm !== undefined) {
    const { coefficient, total, maxNorm } = norm;
    if (Number.isFinite(total) && coefficient < TINY_COEFFICIENT) {
      tinyStreak++;
      if (tinyStreak >= TINY_COEFFICIENT_STREAK) {
        report(
          'tiny-coefficient',
          `${op}: the clip coefficient has been below ${TINY_COEFFICIENT} on ` +
            `${tinyStreak} clipping calls in a row (now ${coefficient.toPrecision(3)}: total norm ` +
            `${total.toPrecision(5)} against maxNorm ${maxNorm}). Every update is shrunk more than ` +
            'a thousandfold, so training all but stops and only the direction of the gradient ' +
            'survives: maxNorm is far too small for these gradients. Fix: set maxNorm near the ' +
            'typical gradient norm (log the value clipGradNorm_ returns, or clipping.gradNorms(), ' +
            'for a few steps), or use an adaptive method such as clipping.ZClip or clipping.AutoClip.',
        );
      }
    } else tinyStreak = 0;
  }
}

/** @internal Called by every clipping function after its writes: remembers what it clipped. */
export function afterClip(params: readonly Tensor[]): void {
  if (!tracking()) return;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const g = p.grad;
    if (g === null) continue;
    const r = recordOf(p);
    r.clipGrad = g;
    r.clipStorage = g._storage;
    r.clipVersion = g._storage.version;
  }
}

/**
 * @internal Called by `Optimizer.step()` before it reads any gradient: reports a step where some
 * of its parameters' gradients were clipped since the last backward and others were not.
 */
export function onOptimizerStep(params: readonly Tensor[]): void {
  if (!tracking()) return;
  let clipped = 0;
  let unclipped = 0;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const g = p.grad;
    if (g === null) continue;
    const r = records.get(p);
    if (
      r !== undefined &&
      r.clipGrad === g &&
      r.clipStorage === g._storage &&
      r.clipVersion === g._storage.version
    )
      clipped++;
    else unclipped++;
  }
  if (clipped > 0 && unclipped > 0) {
    report(
      'partial',
      `optimizer.step(): ${clipped} of this optimizer's ${clipped + unclipped} parameters with ` +
        `gradients were clipped since the last backward and ${unclipped} were not (a parameter ` +
        'group or a second model left out of clipping?). The unclipped ones are updated with raw ' +
        'gradients, and a norm-based clip measured only part of the gradient. Fix: pass every ' +
        'parameter the optimizer updates to the clipping function, e.g. ' +
        'optimizer.paramGroups.flatMap((g) => g.params) or model.parameters().',
    );
  }
}

/** @internal Called by `Optimizer.step()` after its update has consumed the gradients. */
export function onOptimizerStepEnd(params: readonly Tensor[]): void {
  if (!tracking()) return;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const g = p.grad;
    if (g === null) continue;
    const r = recordOf(p);
    r.stepGrad = g;
    r.stepStorage = g._storage;
    r.stepVersion = g._storage.version;
  }
}

/**
 * @internal Runs `fn` (clipping done by an optimizer itself) without pitfall tracking or
 * warnings, and returns its result.
 */
export function quietly<T>(fn: () => T): T {
  quietDepth++;
  try {
    return fn();
  } finally {
    quietDepth--;
  }
}
