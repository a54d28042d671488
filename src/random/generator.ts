import { MT19937 } from './mt19937.js';

/** PyTorch's default CPU seed when none was set. */
const DEFAULT_SEED = 67280421310721;

function describeSeed(seed: unknown): string {
  if (typeof seed === 'string') return `the string '${seed}'`;
  if (seed === null || seed === undefined) return String(seed);
  if (typeof seed === 'object') return Array.isArray(seed) ? 'an array' : 'an object';
  return `the ${typeof seed} ${String(seed)}`;
}

function low32(seed: number | bigint): number {
  if (typeof seed !== 'bigint' && !Number.isInteger(seed)) {
    throw new TypeError(
      `manualSeed: the seed must be an integer (a number or a bigint), got ${describeSeed(seed)}`,
    );
  }
  // PyTorch reads the seed as an unsigned 64-bit integer and seeds MT19937 with its low 32 bits.
  return Number(BigInt.asUintN(64, BigInt(seed)) & 0xffffffffn);
}

/**
 * A random number generator producing PyTorch's CPU stream (MT19937), as `torch.Generator`.
 * Pass one as `{ generator }` to `rand`, `randn`, `randint`, `randperm`, `uniform_`, `normal_`,
 * the `nn.init` functions and `DataLoader` to draw from it instead of the default generator.
 *
 * @example
 * ```ts
 * const g = new Generator().manualSeed(42);
 * const a = rand(3, { generator: g }); // same values as torch.rand(3, generator=g)
 * ```
 */
export class Generator {
  private engine: MT19937;
  private seedValue: number | bigint = DEFAULT_SEED;
  /** The second Box–Muller sample of the scalar normal path, kept as PyTorch does. */
  private cachedNormal: number | null = null;

  /** A generator seeded with PyTorch's default seed (67280421310721), like `torch.Generator()`. */
  constructor() {
    this.engine = new MT19937(low32(DEFAULT_SEED));
  }

  /**
   * Reseeds this generator, as `Generator.manual_seed`; the stream restarts from the seed.
   *
   * @param seed - An integer (number or bigint); like PyTorch, it is read as unsigned 64-bit and
   *   its
   *   low 32 bits seed MT19937.
   * @returns This generator, for chaining.
   * @throws TypeError if `seed` is not an integer.
   */
  manualSeed(seed: number | bigint): this {
    this.engine = new MT19937(low32(seed));
    this.seedValue = seed;
    this.cachedNormal = null;
    return this;
  }

  /**
   * The seed last given to {@link Generator.manualSeed} (or the default seed), as
   * `Generator.initial_seed`.
   *
   * @returns The seed, as it was passed.
   */
  initialSeed(): number | bigint {
    return this.seedValue;
  }

  /**
   * Raw 32-bit draw (`random()` in PyTorch).
   *
   * @returns An integer in [0, 2³²).
   */
  nextUint32(): number {
    return this.engine.nextUint32();
  }

  /**
   * 53 random bits from two draws, the first as the high word (`random64()` masked).
   *
   * @returns A double in [0, 1).
   */
  nextDouble(): number {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return ((hi & 0x1fffff) * 4294967296 + lo) / 9007199254740992;
  }

  /**
   * One float32 in [0, 1): 24 random bits.
   *
   * @returns A float32 value in [0, 1).
   */
  nextFloat(): number {
    return (this.engine.nextUint32() & 0xffffff) / 16777216;
  }

  /**
   * Standard normal in double precision via Box–Muller, caching the paired sample.
   *
   * @returns A sample from N(0, 1).
   */
  nextNormalDouble(): number {
    if (this.cachedNormal !== null) {
      const v = this.cachedNormal;
      this.cachedNormal = null;
      return v;
    }
    const u1 = this.nextDouble();
    const u2 = this.nextDouble();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

/** The process-wide generator that `manualSeed` seeds. */
export const defaultGenerator = /* @__PURE__ */ new Generator();

/**
 * Seeds the default generator, as `torch.manual_seed`: afterwards `rand`, `randn`, `randint`,
 * `randperm`, dropout and the `nn` layers' initialisation draw the same values as PyTorch's CPU
 * generator with the same seed.
 *
 * @param seed - An integer (number or bigint); its low 32 bits seed MT19937, as in PyTorch.
 * @returns The default generator.
 * @throws TypeError if `seed` is not an integer.
 * @example
 * ```ts
 * manualSeed(0);
 * rand(2); // tensor([0.4963, 0.7682]), as torch.rand(2) after torch.manual_seed(0)
 * ```
 */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/**
 * The seed of the default generator, as `torch.initial_seed`.
 *
 * @returns The seed last passed to {@link manualSeed}, or PyTorch's default seed.
 */
export function initialSeed(): number | bigint {
  return defaultGenerator.initialSeed();
}
