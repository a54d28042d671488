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

  it('mlp-regression.ts prints what its PyTorch twin (mlp-regression.py, PyTorch 1.13.1) prints', () => {
    const out = run('mlp-regression.ts');
    for (const line of [
      'epoch   0  train loss 0.34565  test loss 0.16906  grad norm 1.511',
      'epoch  50  train loss 0.00367  test loss 0.00157  grad norm 0.334',
      'epoch 100  train loss 0.00047  test loss 0.00073  grad norm 0.089',
      'epoch 150  train loss 0.00022  test loss 0.00019  grad norm 0.087',
      'epoch 200  train loss 0.00009  test loss 0.00017  grad norm 0.045',
      'epoch 250  train loss 0.00004  test loss 0.00005  grad norm 0.018',
      'epoch 300  train loss 0.00004  test loss 0.00008  grad norm 0.037',
      'prediction at x = 0.5: 0.9928 (sin(1.5) = 0.9975)',
      'restored model differs by 0 on the test points',
    ]) {
      expect(out).toContain(line);
    }
  });

  it('pitfalls.ts shows each mistake', () => {
    const out = run('pitfalls.ts');
    expect(out).toContain('clipGradNorm_ returned tensor(0.): there was nothing to clip');
    expect(out).toContain('same as no clipping at all');
    expect(out).toContain('every step was cut to length 1e-3');
  });
});
