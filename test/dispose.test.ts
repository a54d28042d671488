/**
 * Early release (`dispose()`, `using`) and the shared arena's reuse: memory is handed to another
 * tensor only when nothing can read it any more, and the garbage collector brings blocks back too.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeEach, describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { arenaStats, inArena } from '../src/tensor/kernels/arena.js';
import { ARENA_MIN_ELEMENTS, simdSupported } from '../src/tensor/kernels/simd.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const n = ARENA_MIN_ELEMENTS * 4;
const suite = simdSupported() ? describe : describe.skip;

/**
 * Op outputs take arena memory touched before, or never-touched memory up to what dispose() of
 * plain arrays gave back: a few disposed outputs prepare the arena as a disposing loop's first
 * steps do.
 */
function warmUp(): void {
  const x = torch.zeros([n]);
  for (let round = 0; round < 2; round++) {
    const held = Array.from({ length: 8 }, () => x.mul(1));
    for (const t of held) t.dispose();
  }
}

suite('dispose()', () => {
  beforeEach(warmUp);
  it('gives the memory to the next tensor of that size, and the spent tensor throws', () => {
    const x = torch.randn([n]);
    const y = x.mul(2);
    const address = y.buffer.byteOffset;
    y.dispose();
    expect(() => y.sum()).toThrow(/disposed/);
    expect(() => y.toFloat32Array()).toThrow(/disposed/);
    y.dispose(); // twice is harmless
    const z = x.mul(3);
    expect(inArena(z.buffer)).toBe(true);
    expect(z.buffer.byteOffset).toBe(address);
    expect(z.toFloat32Array()).toEqual(x.toFloat32Array().map((v) => Math.fround(v * 3)));
  });

  it('does nothing while a view, an alias or a pending backward can read the memory', () => {
    const x = torch.randn([n]);
    const a = x.mul(2);
    const view = a.view([4, n / 4]);
    a.dispose();
    expect(view.sum().item()).toBe(a.sum().item());

    const b = x.mul(2);
    const alias = b.data;
    b.dispose();
    expect(alias.sum().item()).toBe(b.sum().item());

    const w = torch.randn([n], { requiresGrad: true });
    const c = w.relu(); // relu saves its output for backward
    c.dispose();
    const before = c.toFloat32Array();
    const probe = x.mul(5); // would take c's memory if dispose had released it
    c.sum().backward();
    expect(c.toFloat32Array()).toEqual(before);
    expect(w.grad!.toFloat32Array()).toEqual(before.map((v) => (v > 0 ? 1 : 0)));
    // Once backward has run and freed what it saved, dispose() releases.
    const address = c.buffer.byteOffset;
    c.dispose();
    expect(() => c.sum()).toThrow(/disposed/);
    expect(x.mul(7).buffer.byteOffset).toBe(address);
    expect(probe.buffer.byteOffset).not.toBe(address);
  });

  it('is what `using` calls', () => {
    const dispose = (Symbol as { dispose?: symbol }).dispose;
    if (dispose === undefined) return; // engines before explicit resource management
    const y = torch.randn([n]).mul(2) as unknown as Record<symbol, () => void>;
    y[dispose]();
    expect(() => (y as unknown as torch.Tensor).sum()).toThrow(/disposed/);
  });

  it('lets a loop reuse one block step after step', () => {
    const x = torch.randn([n]);
    const w = torch.randn([n]);
    const addresses = new Set<number>();
    let total = 0;
    for (let step = 0; step < 50; step++) {
      const y = x.mul(w);
      addresses.add(y.buffer.byteOffset);
      total += y.sum().item();
      y.dispose();
    }
    expect(addresses.size).toBe(1);
    expect(total).toBeCloseTo(50 * x.mul(w).sum().item(), 0);
  });

  it('moves a tensor out of the arena before its memory leaves as a view', () => {
    const y = torch.randn([n]).mul(2);
    const v = y.subarrayView();
    expect(inArena(v)).toBe(false);
    y.dispose(); // the view keeps its own memory: nothing can be overwritten under it
    const before = Array.from(v.subarray(0, 8));
    torch.randn([n]).mul(9);
    expect(Array.from(v.subarray(0, 8))).toEqual(before);
  });
});

suite('the arena without dispose()', () => {
  it('gets blocks back from the garbage collector once the program yields', async () => {
    for (let i = 0; i < 32; i++) torch.randn([n]).mul(2);
    const live = arenaStats().liveBlocks;
    for (let round = 0; round < 20 && arenaStats().liveBlocks > live - 32; round++) {
      gc();
      await sleep(10);
    }
    expect(arenaStats().liveBlocks).toBeLessThanOrEqual(live - 32);
  });

  it('caps the never-touched memory temporaries take, then uses plain arrays', () => {
    const held: torch.Tensor[] = [];
    // 64 MiB of never-touched memory for temporaries: 80 outputs of 1 MiB held at once exceed it.
    const big = ARENA_MIN_ELEMENTS * 16;
    for (let i = 0; i < 80; i++) held.push(torch.zeros(big).add(1));
    expect(held.some((t) => !inArena(t.buffer))).toBe(true);
    expect(held.every((t) => t.sum().item() === big)).toBe(true);
  });
});

describe('first gradients written once (stored as made, never aliased)', () => {
  const grads = (...ts: torch.Tensor[]) => ts.map((t) => t.grad!.toFloat32Array());

  it('two leaves fed the same gradient object get memories of their own', () => {
    for (const size of [8, n]) {
      const x = torch.randn([size], { requiresGrad: true });
      const y = torch.randn([size], { requiresGrad: true });
      x.mul(1).add(y.mul(1)).sum().backward();
      x.add(y).backward(torch.ones([size]).mul(3));
      const z = torch.randn([size], { requiresGrad: true });
      const w = torch.randn([size], { requiresGrad: true });
      z.add(w).backward(torch.ones([size]).mul(2)); // AddBackward hands one tensor to both
      z.grad!.mul_(5);
      expect(grads(z, w).map((g) => g[0])).toEqual([10, 2]);
    }
  });

  it('a gradient a hook kept is not the leaf’s', () => {
    const x = torch.randn([n], { requiresGrad: true });
    const kept: torch.Tensor[] = [];
    const y = x.mul(2);
    y.registerHook((g) => {
      kept.push(g);
    });
    y.add(0).backward(torch.ones([n]).mul(3));
    x.grad!.zero_();
    expect(kept[0].toFloat32Array()[0]).toBe(3);
    const leafKept: torch.Tensor[] = [];
    const a = torch.randn([n], { requiresGrad: true });
    a.registerHook((g) => {
      leafKept.push(g);
    });
    a.mul(4).backward(torch.ones([n]));
    a.grad!.zero_();
    expect(leafKept[0].toFloat32Array()[0]).toBe(4);
  });

  it('the seed a user passes is copied, and a second backward accumulates', () => {
    const x = torch.randn([n], { requiresGrad: true });
    const seed = torch.ones([n]);
    x.add(0).backward(seed);
    x.grad!.add_(1);
    expect(seed.toFloat32Array()[0]).toBe(1);
    x.mul(2).backward(seed);
    expect(x.grad!.toFloat32Array()[0]).toBe(4);
  });
});
