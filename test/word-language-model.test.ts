/**
 * The word-language-model example against its PyTorch twin (dropout 0, same seed): the printed
 * losses agree to the printed two decimals; perplexities (8.2f of exp(loss)) within 1e-3 relative (losses within 1e-3),
 * since float32 sums run in another order (SIMD matmul lanes) than PyTorch's reference BLAS.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../examples/word-language-model.js';
import { loadFixture } from './helpers.js';

const fx = loadFixture<{ args: string[]; lines: string[] }>('word_lm.json');
const untimed = (line: string): string =>
  line.replace(/ms\/batch +[0-9.]+ \| |time: +[0-9.]+s \| /g, '');
const PPL = /ppl +([0-9.]+)/;

describe('examples/word-language-model.ts', () => {
  it('prints the losses of the PyTorch twin over the first batches, validation and test', () => {
    const lines: string[] = [];
    main(fx.args, (line) => lines.push(untimed(line)));
    expect(lines.length).toBe(fx.lines.length);
    lines.forEach((line, i) => {
      const want = fx.lines[i];
      expect(line.replace(PPL, 'ppl'), `line ${i}`).toBe(want.replace(PPL, 'ppl'));
      const got = PPL.exec(line);
      const ref = PPL.exec(want);
      if (ref !== null && got !== null)
        expect(Math.abs(+got[1] / +ref[1] - 1), `line ${i} ppl`).toBeLessThan(1e-3);
    });
  }, 120_000);
});
