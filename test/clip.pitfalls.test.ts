/**
 * Pitfall warnings: each pitfall warns exactly once, 'error' mode throws with the same message
 * before anything changes, 'off' is silent, and correct training loops never warn.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor, clipping } from '../src/index.js';
import { TinyNet, lossOf } from './clip.tiny-net.js';

let messages: Array<{ message: string; kind: string }> = [];

beforeEach(() => {
  clipping.resetPitfallTracking();
  clipping.setPitfallWarnings('warn');
  messages = [];
  clipping.onWarning((message, kind) => messages.push({ message, kind }));
});
afterEach(() => {
  clipping.onWarning(null);
  clipping.setPitfallWarnings('warn');
});

const model = (seed = 0) => new TinyNet(seed);

const kinds = () => messages.map((m) => m.kind);

describe('correct training loops stay silent', () => {
  const clippers: Array<[string, (m: TinyNet) => void]> = [
    ['clipGradNorm_', (m) => torch.nn.utils.clipGradNorm_(m.parameters(), 1.0)],
    ['clipGradValue_', (m) => torch.nn.utils.clipGradValue_(m.parameters(), 0.1)],
    ['adaptiveClipGrad_', (m) => clipping.adaptiveClipGrad_(m, 0.01)],
  ];
  for (const [name, clip] of clippers) {
    for (const setToNone of [true, false]) {
      it(`${name}: backward → clip → step → zeroGrad (setToNone ${setToNone})`, () => {
        const m = model();
        const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
        for (let i = 0; i < 15; i++) {
          lossOf(m, i).backward();
          clip(m);
          opt.step();
          opt.zeroGrad({ setToNone });
        }
        expect(messages).toEqual([]);
      });
    }
  }

  it('ZClip and AutoClip loops, zeroGrad first', () => {
    const m = model();
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.05 });
    const z = new clipping.ZClip({ warmupSteps: 3 });
    const a = new clipping.AutoClip();
    for (let i = 0; i < 12; i++) {
      opt.zeroGrad();
      lossOf(m, i).backward();
      if (i % 2) z.step(m);
      else a.step(m);
      opt.step();
    }
    expect(messages).toEqual([]);
  });

  it('retained grads, retainGraph and gradient accumulation over several backwards', () => {
    const m = model();
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
    for (let i = 0; i < 6; i++) {
      torch.manualSeed(i);
      const h = (m.call(torch.randn(4, 3)) as Tensor).retainGrad();
      const loss = h.pow(2).mean();
      loss.backward(undefined, { retainGraph: true });
      loss.backward();
      lossOf(m, i).backward();
      torch.nn.utils.clipGradNorm_(m.parameters(), 0.5);
      opt.step();
      opt.zeroGrad({ setToNone: i % 2 === 0 });
    }
    expect(messages).toEqual([]);
  });

  it('no zeroGrad at all (gradients keep accumulating) and the optimizer clipping options', () => {
    const m = model();
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.01, globalClipNorm: 1e-6 });
    for (let i = 0; i < 12; i++) {
      lossOf(m, i).backward();
      torch.nn.utils.clipGradNorm_(m.parameters(), 1.0);
      opt.step();
    }
    expect(messages).toEqual([]);
  });

  it('two optimizers over two models, each clipped before its own step', () => {
    const a = model(1);
    const b = model(2);
    const optA = new torch.optim.SGD(a.parameters(), { lr: 0.1 });
    const optB = new torch.optim.SGD(b.parameters(), { lr: 0.1 });
    for (let i = 0; i < 4; i++) {
      lossOf(a, i).add(lossOf(b, i)).backward();
      torch.nn.utils.clipGradNorm_([...a.parameters(), ...b.parameters()], 1.0);
      optA.step();
      optB.step();
      optA.zeroGrad();
      optB.zeroGrad();
    }
    expect(messages).toEqual([]);
  });
});

describe('each pitfall warns exactly once', () => {
  it('clipping before any gradient exists', () => {
    const m = model();
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      torch.nn.utils.clipGradNorm_(m.parameters(), 1.0);
      lossOf(m, i).backward();
      opt.step();
    }
    expect(kinds()).toEqual(['no-grad']);
    expect(messages[0].message).toMatch(/clipGradNorm_: none of the 4 parameters has a gradient/);
    expect(messages[0].message).toMatch(/Fix:/);
  });

  it('clipping after optimizer.step() (too late)', () => {
    const m = model();
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      lossOf(m, i).backward();
      opt.step();
      torch.nn.utils.clipGradNorm_(m.parameters(), 1.0);
      opt.zeroGrad();
    }
    expect(kinds()).toEqual(['too-late']);
    expect(messages[0].message).toMatch(/already used by optimizer\.step\(\)/);
  });

  it('too late is caught for every clipping method', () => {
    const clips: Array<(m: TinyNet) => unknown> = [
      (m) => torch.nn.utils.clipGradValue_(m.parameters(), 1),
      (m) => clipping.adaptiveClipGrad_(m),
      (m) => new clipping.ZClip().step(m),
      (m) => new clipping.AutoClip().step(m),
      (m) => torch.nn.utils.clipGradsWithNorm_(m.parameters(), 1, 3),
    ];
    for (const clip of clips) {
      clipping.setPitfallWarnings('error');
      const m = model();
      const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
      lossOf(m).backward();
      opt.step();
      const before = m.parameters().map((p) => p.grad!.tolist());
      expect(() => clip(m)).toThrow(/too late/);
      expect(m.parameters().map((p) => p.grad!.tolist())).toEqual(before);
    }
  });

  it('an optimizer step where only some parameters were clipped', () => {
    const m = model();
    const opt = new torch.optim.SGD(
      [{ params: m.parameters().slice(0, 2) }, { params: m.parameters().slice(2), lr: 0.01 }],
      { lr: 0.1 },
    );
    for (let i = 0; i < 3; i++) {
      lossOf(m, i).backward();
      torch.nn.utils.clipGradNorm_(opt.paramGroups[0].params, 1.0);
      opt.step();
      opt.zeroGrad();
    }
    expect(kinds()).toEqual(['partial']);
    expect(messages[0].message).toMatch(/2 of this optimizer's 4 parameters/);
  });

  it('a clip coefficient below 1e-3 on 10 calls in a row', () => {
    const m = model();
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
    for (let i = 0; i < 25; i++) {
      lossOf(m, i).backward();
      torch.nn.utils.clipGradNorm_(m.parameters(), 1e-7);
      opt.step();
      opt.zeroGrad();
      if (i === 8) expect(messages).toEqual([]);
    }
    expect(kinds()).toEqual(['tiny-coefficient']);
    expect(messages[0].message).toMatch(/below 0\.001 on 10 clipping calls in a row/);
  });

  it('a streak broken by a normal coefficient does not warn', () => {
    const p = torch.zeros(2, { requiresGrad: true });
    for (let i = 0; i < 30; i++) {
      p.grad = torch.tensor([3, 4]);
      torch.nn.utils.clipGradNorm_([p], i % 9 === 8 ? 10 : 1e-5);
    }
    expect(messages).toEqual([]);
  });
});

describe('modes and handlers', () => {
  it("'error' throws the same message before anything changes; 'off' is silent", () => {
    clipping.setPitfallWarnings('error');
    const p = torch.zeros(2, { requiresGrad: true });
    expect(() => torch.nn.utils.clipGradNorm_([p], 1)).toThrow(/none of the 1 parameters/);
    expect(() => torch.nn.utils.clipGradNorm_([p], 1)).toThrow(Error);
    clipping.setPitfallWarnings('off');
    torch.nn.utils.clipGradNorm_([p], 1);
    expect(messages).toEqual([]);
  });

  it('onWarning(null) restores console.warn; setPitfallWarnings returns the previous mode', () => {
    const seen: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => seen.push(args[0]);
    try {
      clipping.onWarning(null);
      torch.nn.utils.clipGradNorm_([torch.zeros(1, { requiresGrad: true })], 1);
    } finally {
      console.warn = original;
    }
    expect(seen).toHaveLength(1);
    expect(clipping.setPitfallWarnings('off')).toBe('warn');
    expect(clipping.setPitfallWarnings('warn')).toBe('off');
    expect(() => clipping.setPitfallWarnings('loud' as never)).toThrow(
      "setPitfallWarnings: mode must be 'warn', 'error' or 'off', got the string 'loud'",
    );
    expect(() => clipping.onWarning(3 as never)).toThrow(TypeError);
  });

  it('the optimizer clipping options never count as user clipping', () => {
    const m = model();
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1, clipValue: 0.01 });
    for (let i = 0; i < 3; i++) {
      lossOf(m, i).backward();
      opt.step();
      opt.zeroGrad();
    }
    expect(messages).toEqual([]);
  });
});
