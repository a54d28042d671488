/**
 * The WebAssembly in src/tensor/kernels/generated/ is exactly what scripts/build-wasm.mjs makes:
 * the committed WAT text and the embedded bytes cannot drift from the generator (or each other).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, generatedDir } from '../../../scripts/build-wasm.mjs';

describe('generated WebAssembly', () => {
  it('matches a fresh run of scripts/build-wasm.mjs (run `npm run wasm` after changing it)', async () => {
    const fresh = await generate();
    expect(readdirSync(generatedDir).sort()).toEqual(Object.keys(fresh).sort());
    for (const [file, text] of Object.entries(fresh))
      expect(readFileSync(join(generatedDir, file), 'utf8'), file).toBe(text);
  });
});
