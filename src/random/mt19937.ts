/** The 32-bit Mersenne Twister (MT19937), as PyTorch's CPU generator runs it. */
const N = 624;
const M = 397;

export class MT19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
    this.seed(seed);
  }

  /** `init_genrand`: PyTorch seeds with the low 32 bits of the user's seed. */
  seed(seed32: number): void {
    const s = this.state;
    s[0] = seed32 >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1] ^ (s[i - 1] >>> 30);
      // 1812433253 * prev + i, modulo 2^32, without losing bits to float rounding.
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private twist(): void {
    const s = this.state;
    // Branch-free (y's low bit selects the constant: a branch on it mispredicts half the time),
    // the wrap-around indices taken apart from the loop rather than by % on every element.
    for (let i = 0; i < N; i++) {
      const y = (s[i] & 0x80000000) | (s[i + 1 < N ? i + 1 : 0] & 0x7fffffff);
      s[i] = s[i + M < N ? i + M : i + M - N] ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
    }
    this.index = 0;
  }

  /** The next raw 32-bit output. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}
