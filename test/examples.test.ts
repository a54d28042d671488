/** The examples run and print PyTorch's numbers. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (file: string) =>
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'examples', file)], {
    cwd: root,
    encoding: 'utf8',
  });

describe('examples', () => {
  it('linear-clip.ts prints what PyTorch 1.13.1 prints for the same program', () => {
    const out = run('linear-clip.ts');
    expect(out).toContain('Total gradient norm before clipping: tensor(7.4812)');
    expect(out).toContain('Total gradient norm after clipping: 1.0000');
    expect(out).toContain('weight: tensor([[0.0491, 0.4593]])');
    expect(out).toContain('bias: tensor([-0.5565])');
  });

  it('pitfalls.ts shows each mistake', () => {
    const out = run('pitfalls.ts');
    expect(out).toContain('clipGradNorm_ returned tensor(0.): there was nothing to clip');
    expect(out).toContain('same as no clipping at all');
    expect(out).toContain('every step was cut to length 1e-3');
  });
});
