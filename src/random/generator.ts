import { MT19937 } from './mt19937.js';

/** PyTorch's default CPU seed when none was set. */
const DEFAULT_SEED = 67280421310721;

function low32(seed: number | bigint): number {
  if (typeof seed === 'number' && !Number.isInteger(seed)) {
    throw new TypeError(`manualSeed: the seed must be an integer, got ${seed}`);
  }
  // PyTorch reads the seed as an unsigned 64-bit integer and seeds MT19937 with its low 32 bits.
  return Number(BigInt.asUintN(64, BigInt(seed)) & 0xffffffffn);
}

/** A random number generator with PyTorch's CPU stream: `new Generator().manualSeed(0)`. */
export class Generator {
  private engine: MT19937;
  private seedValue: number | bigint = DEFAULT_SEED;
  /** The second Box–Muller sample of the scalar normal path, kept as PyTorch does. */
  private cachedNormal: number | null = null;

  constructor() {
    this.engine = new MT19937(low32(DEFAULT_SEED));
  }

  manualSeed(seed: number | bigint): this {
    this.engine = new MT19937(low32(seed));
    this.seedValue = seed;
    this.cachedNormal = null;
    return this;
  }

  initialSeed(): number | bigint {
    return this.seedValue;
  }

  /** Raw 32-bit draw (`random()` in PyTorch). */
  nextUint32(): number {
    return this.engine.nextUint32();
  }

  /** 53 random bits from two draws, the first as the high word (`random64()` masked). */
  nextDouble(): number {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return ((hi & 0x1fffff) * 4294967296 + lo) / 9007199254740992;
  }

  /** One float32 in [0, 1): 24 random bits. */
  nextFloat(): number {
    return (this.engine.nextUint32() & 0xffffff) / 16777216;
  }

  /** Standard normal in double precision via Box–Muller, caching the paired sample. */
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

/** Seeds the default generator: the same stream as `torch.manual_seed(seed)`. */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

export function initialSeed(): number | bigint {
  return defaultGenerator.initialSeed();
}
