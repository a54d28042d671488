/**
 * Checked options objects (the API's "calling conventions"): an unknown key, or a known key of the
 * wrong type, throws a TypeError that names the function and the key, and suggests the camelCase
 * spelling of a snake_case key (`SGD: unknown option 'weight_decay' (did you mean 'weightDecay'?)`).
 */
import { Tensor, describe } from './tensor.js';

/**
 * What one option accepts. A `|`-separated list of: `number`, `integer`, `boolean`, `string`,
 * `function`, `Tensor`, `null`, `array` (any array), `number[]`, `object`, `any`; or a predicate
 * with the words to put in the message.
 */
export type OptionType = string | { test: (value: unknown) => boolean; expected: string };

/** The accepted keys of one options object and what each accepts. */
export type OptionSpec = Readonly<Record<string, OptionType>>;

function matches(word: string, value: unknown): boolean {
  switch (word) {
    case 'number':
    case 'boolean':
    case 'string':
    case 'function':
      return typeof value === word;
    case 'integer':
      return Number.isInteger(value);
    case 'Tensor':
      return value instanceof Tensor;
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'number[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'number');
    case 'object':
      return value !== null && typeof value === 'object';
    case 'any':
      return true;
    default:
      // A quoted literal such as 'mean': the value must equal it.
      if (word.startsWith("'") && word.endsWith("'")) return value === word.slice(1, -1);
      throw new Error(`checkOptions: unknown type word '${word}' in an option spec`);
  }
}

function accepts(type: OptionType, value: unknown): boolean {
  if (typeof type !== 'string') return type.test(value);
  return type.split('|').some((w) => matches(w.trim(), value));
}

function expectedWords(type: OptionType): string {
  if (typeof type !== 'string') return type.expected;
  const words = type.split('|').map((w) => w.trim());
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/** The accepted key a misspelt one most likely meant, if any is close. */
export function suggestKey(key: string, known: readonly string[]): string | null {
  const camel = camelCase(key);
  const lower = camel.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(key.length / 4)) + 1;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Whether `value` is an options object rather than a positional argument: an object that is not
 * null, an array, a typed array or a Tensor.
 * @param value - An argument.
 * @returns `true` for an options object, as a type guard.
 */
export function isOptionsObject(value: unknown): value is object {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof Tensor)
  );
}

/**
 * Rejects a positional argument given after the options object.
 * @param fn - The public function's name, for the message.
 * @param arg - What followed the options object (`undefined` when nothing did).
 * @throws TypeError naming the function and the argument, unless `arg` is undefined.
 */
export function rejectAfterOptions(fn: string, arg: unknown): void {
  if (arg !== undefined)
    throw new TypeError(`${fn}: unexpected argument ${describe(arg)} after the options object`);
}

/**
 * Checks an options object against `spec` and returns it typed (an empty object when `options`
 * is `undefined`). Keys whose value is `undefined` count as absent.
 *
 * @param fn - The public function or class the options belong to, for messages (`'SGD'`).
 * @param options - What the caller passed.
 * @param spec - The accepted keys and their types.
 * @returns `options` itself, or `{}` when it was `undefined`.
 * @throws TypeError when `options` is not a plain object, a key is unknown, or a value has the
 *   wrong type.
 */
export function checkOptions<T extends object>(fn: string, options: unknown, spec: OptionSpec): T {
  if (options === undefined) return {} as T;
  if (!isOptionsObject(options)) {
    throw new TypeError(`${fn}: expected an options object, got ${describe(options)}`);
  }
  const known = Object.keys(spec);
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(spec, key)) {
      const hint = suggestKey(key, known);
      throw new TypeError(
        `${fn}: unknown option '${key}'` +
          (hint !== null ? ` (did you mean '${hint}'?)` : ` (accepted: ${known.join(', ')})`),
      );
    }
    if (value === undefined) continue;
    const type = spec[key];
    if (!accepts(type, value)) {
      throw new TypeError(
        `${fn}: option '${key}' must be ${expectedWords(type)}, got ${describe(value)}`,
      );
    }
  }
  return options as T;
}
