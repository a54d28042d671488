/**
 * The engine gives back, during the backward pass, the memory of gradients it made and consumed
 * and of the temporaries a backward formula made and dropped (sigmoid's 1 − y and (1 − y)·y), so
 * that a synchronous training loop reuses it instead of faulting in fresh pages. Nothing a user,
 * a hook, a recorded graph or a view can still reach is ever given back.
 */
import { describe, expect, it } from 'vitest';
import { tensor, randn, manualSeed, ones } from '../index.js';
import type { Tensor } from '../tensor/tensor.js';
import { arenaStats } from '../tensor/kernels/arena.js';
import { Tensor as TensorClass } from '../tensor/tensor.js';
import { record } from './node.js';

const SHAPE = [256, 256]; // large enough for the arena

/** Whether two arrays hold the same bits (cheaper than toEqual over 65 536 elements). */
function bitsOf(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function leaf(seed: number): Tensor {
  manualSeed(seed);
  return randn(SHAPE).requiresGrad_();
}

describe('memory given back during backward', () => {
  it('a chain of ops leaves no live arena block behind once its tensors are disposed', () => {
    const x = leaf(1);
    const y = leaf(2).detach();
    const step = () => {
      const a = x.sigmoid();
      const b = a.tanh();
      const c = b.mul(y);
      const d = c.exp();
      const loss = d.sum();
      loss.backward();
      for (const t of [a, b, c, d, loss]) t.dispose();
      x.grad!.dispose();
      x.grad = null;
    };
    step();
    const before = arenaStats().liveBlocks;
    for (let i = 0; i < 5; i++) step();
    // Every gradient between the ops and every formula temporary came back at once.
    expect(arenaStats().liveBlocks).toBe(before);
  });

  it('a synchronous loop that disposes nothing touches no fresh arena pages step after step', () => {
    // Giving back plain arrays must not credit the arena (see engine.ts giveBack): each pass would
    // then let the next temporaries fault in fresh pages that such a loop never returns.
    manualSeed(12);
    const x = randn([1024, 1024]).requiresGrad_();
    const step = () => {
      x.sigmoid().tanh().mul(x).sum().backward();
      x.grad = null;
    };
    for (let i = 0; i < 8; i++) step();
    const touched = arenaStats().touchedBytes;
    for (let i = 0; i < 12; i++) step();
    expect(arenaStats().touchedBytes).toBe(touched);
  });

  it('memory a formula reaches by wrapping another array is never given back', () => {
    /** Free arena blocks, so that the pass's temporaries and the outputs below take reused ones. */
    const freeSomeBlocks = () => {
      for (let i = 0; i < 8; i++) randn(SHAPE).dispose();
    };
    const w = leaf(13);
    const before = w.toFloat32Array();
    // A formula that wraps the saved parameter's own array (`.buffer`) in a new storage (a
    // temporary of the formula, but not memory it made): giving it back would hand w's block to
    // the next output.
    const y = record(
      w.detach().mul(2),
      'WrapSaved',
      [w],
      (g, [saved]) => {
        TensorClass._fromData(saved!.buffer, saved!.shape);
        return [g.mul(2)];
      },
      [w],
    );
    freeSomeBlocks();
    y.sum().backward();
    for (let i = 0; i < 16; i++) randn(SHAPE).mul(3); // outputs that would take a freed block
    expect(bitsOf(w.toFloat32Array())).toBe(bitsOf(before));
    // A formula whose result is a new storage on its incoming gradient's array: that gradient is
    // consumed, but its memory is the result's.
    const x = leaf(14);
    const z = record(x.detach().mul(1), 'WrapIncoming', [x], (g) => [
      TensorClass._fromData(g.buffer, g.shape),
    ]);
    const s = x.detach().sigmoid();
    const want = s.neg().add(1).mul(s).toFloat32Array(); // sigmoid's backward, step by step
    freeSomeBlocks();
    z.sigmoid().sum().backward();
    for (let i = 0; i < 16; i++) randn(SHAPE).mul(3);
    expect(bitsOf(x.grad!.toFloat32Array())).toBe(bitsOf(want));
  });

  it('gives the same gradients as a pass that keeps everything (hooks make it keep)', () => {
    const x = leaf(3);
    const y = leaf(4).detach();
    const f = () => x.sigmoid().tanh().mul(y).add(x.mul(x)).exp().sum();
    f().backward();
    const released = x.grad!.toFloat32Array();
    x.grad = null;
    // A hook on an intermediate turns the release off for the rest of the pass.
    const h = x.sigmoid();
    h.registerHook((g) => g);
    h.tanh().mul(y).add(x.mul(x)).exp().sum().backward();
    expect(bitsOf(x.grad!.toFloat32Array())).toBe(bitsOf(released));
  });

  it('a gradient a hook keeps stays readable', () => {
    const x = leaf(5);
    const kept: Tensor[] = [];
    const a = x.sigmoid();
    a.registerHook((g) => void kept.push(g));
    a.tanh().sum().backward();
    expect(kept[0].toFloat32Array().length).toBe(256 * 256);
    const leafKept: Tensor[] = [];
    const z = leaf(6);
    z.registerHook((g) => void leafKept.push(g));
    z.sigmoid().mul(2).sum().backward();
    expect(bitsOf(leafKept[0].toFloat32Array())).toBe(bitsOf(z.grad!.toFloat32Array()));
  });

  it('retained gradients, a gradient shared by two leaves and accumulation stay intact', () => {
    const x = leaf(7);
    const w = leaf(8);
    const a = x.mul(w);
    a.retainGrad();
    const b = a.sigmoid();
    b.retainGrad();
    b.sum().backward();
    const expectedB = new Float32Array(256 * 256).fill(1);
    expect(bitsOf(b.grad!.toFloat32Array())).toBe(bitsOf(expectedB));
    const s = a.sigmoid().toFloat32Array();
    const da = a.grad!.toFloat32Array();
    for (let i = 0; i < 5; i++) expect(da[i]).toBeCloseTo(s[i] * (1 - s[i]), 6);
    // add's backward hands one gradient to both leaves: each gets its own, readable.
    const p = leaf(9);
    const q = leaf(10);
    p.add(q).sum().backward();
    expect(bitsOf(p.grad!.toFloat32Array())).toBe(bitsOf(expectedB));
    expect(bitsOf(q.grad!.toFloat32Array())).toBe(bitsOf(expectedB));
    expect(p.grad).not.toBe(q.grad);
    // A second backward adds into the stored gradients.
    p.add(q).sum().backward();
    expect(bitsOf(p.grad!.toFloat32Array())).toBe(bitsOf(expectedB.map(() => 2)));
    expect(bitsOf(q.grad!.toFloat32Array())).toBe(bitsOf(expectedB.map(() => 2)));
  });

  it('createGraph keeps every gradient and temporary: they are differentiated again', () => {
    const x = tensor([0.5, -1, 2], { requiresGrad: true });
    x.sigmoid().sum().backward(undefined, { createGraph: true });
    const first = x.grad!;
    x.grad = null;
    first.sum().backward();
    // d²σ/dx² = σ(1 − σ)(1 − 2σ)
    const s = [0.5, -1, 2].map((v) => 1 / (1 + Math.exp(-v)));
    const got = x.grad!.toFloat32Array();
    s.forEach((v, i) => expect(got[i]).toBeCloseTo(v * (1 - v) * (1 - 2 * v), 6));
  });

  it('the seed a caller passes is never given back', () => {
    const x = leaf(11);
    const seed = ones(SHAPE);
    const y = x.sigmoid();
    y.backward(seed);
    expect(seed.toFloat32Array()[0]).toBe(1);
    x.grad = null;
    x.mul(3).backward(seed);
    expect(seed.sum().item()).toBe(256 * 256);
  });
});
