/**
 * `backend()` reports which kernels run, and where WebAssembly cannot be compiled (a page whose
 * content security policy forbids it) everything runs on the JavaScript kernels with the same
 * results.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('backend()', () => {
  it('reports the WebAssembly SIMD kernels on this platform', async () => {
    const torch = await import('../../index.js');
    expect(torch.backend()).toEqual({ simd: true, wasm: true, threads: 1 });
  });

  it('reports the JavaScript kernels where compiling WebAssembly is forbidden, which still compute', async () => {
    const refusing = {
      ...WebAssembly,
      Module: function () {
        throw new WebAssembly.CompileError('Wasm code generation disallowed by embedder');
      },
    };
    vi.stubGlobal('WebAssembly', refusing);
    vi.resetModules();
    const torch = await import('../../index.js');
    const { streamKernelsFor } = await import('./wasm-storage.js');
    const { WASM_STORAGE_MIN_ELEMENTS } = await import('./simd.js');
    expect(torch.backend()).toEqual({ simd: false, wasm: false, threads: 1 });
    const n = WASM_STORAGE_MIN_ELEMENTS;
    const x = torch.ones(n);
    expect(streamKernelsFor(x.buffer, n)).toBeUndefined();
    expect(x.sum().item()).toBe(n);
    const a = torch.ones(64, 64);
    expect(a.matmul(a).sum().item()).toBe(64 ** 3);
    // No WebAssembly, no threaded kernel: asking for threads keeps one.
    torch.setNumThreads(2);
    expect(torch.getNumThreads()).toBe(1);
    expect(torch.backend().threads).toBe(1);
  });
});
