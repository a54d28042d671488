/**
 * Module features against PyTorch (test/fixtures/activations_losses.json): forward pre-hooks,
 * forward hooks and full backward hooks (order, arguments and replacement), buffers and state-dict
 * keys, containers.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, type Tensor } from '../src/index.js';
import { expectClose, fromJson, loadFixture, type JsonTensor } from './helpers.js';

type Event =
  | ['pre', string]
  | ['fwd', string, JsonTensor]
  | ['bw', string, Array<JsonTensor | null>, Array<JsonTensor | null>];

const fx = loadFixture<{
  hooks: {
    affine: JsonTensor[];
    input: JsonTensor;
    events: Event[];
    inputGrad: JsonTensor;
    replace: { out: JsonTensor; inputGrad: JsonTensor; weightGrad: JsonTensor };
  };
  state: { keys: string[]; buffers: string[]; modules: string[] };
}>('activations_losses.json');

class Affine extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter;
  constructor(w: JsonTensor, b: JsonTensor) {
    super();
    this.weight = new nn.Parameter(fromJson(w));
    this.bias = new nn.Parameter(fromJson(b));
  }
  forward(x: Tensor): Tensor {
    return x.mul(this.weight).add(this.bias);
  }
}

const [w1, b1, w2, b2] = fx.hooks.affine;

describe('module hooks match PyTorch', () => {
  it('pre, forward and full backward hooks run in PyTorch order with its arguments', () => {
    const model = new nn.Sequential(
      new Affine(w1, b1),
      new nn.Tanh(),
      new Affine(w2, b2),
      new nn.GELU(),
    );
    const events: Array<[string, string, ...unknown[]]> = [];
    for (const [name, m] of model.namedModules()) {
      const n = name || 'root';
      m.registerForwardPreHook(() => void events.push(['pre', n]));
      m.registerForwardHook((_m, _i, out) => void events.push(['fwd', n, out]));
      m.registerFullBackwardHook((_m, gi, go) => void events.push(['bw', n, gi, go]));
    }
    const x = fromJson(fx.hooks.input, true);
    const out = model.call(x);
    out.backward(torch.fullLike(out, 0.5));
    expect(events.map((e) => `${e[0]} ${e[1]}`)).toEqual(
      fx.hooks.events.map((e) => `${e[0]} ${e[1]}`),
    );
    events.forEach((e, i) => {
      const want = fx.hooks.events[i];
      if (want[0] === 'fwd') expectClose(e[2] as Tensor, want[2], {}, `fwd ${want[1]}`);
      if (want[0] === 'bw') {
        const [gi, go] = [e[2] as Array<Tensor | null>, e[3] as Array<Tensor | null>];
        expect(gi).toHaveLength(want[2].length);
        gi.forEach((g, k) => expectClose(g, want[2][k], {}, `grad_input ${want[1]}`));
        go.forEach((g, k) => expectClose(g, want[3][k], {}, `grad_output ${want[1]}`));
      }
    });
    expectClose(x.grad, fx.hooks.inputGrad, {}, 'input grad');
  });

  it('hooks can replace inputs, outputs and grad_input', () => {
    const a = new Affine(w1, b1);
    const m = new nn.Sequential(a, new nn.Tanh());
    m.get(1).registerFullBackwardHook((_m, gi) => [gi[0]!.mul(3)]);
    a.registerForwardPreHook((_m, inputs) => [(inputs[0] as Tensor).mul(2)]);
    m.get(1).registerForwardHook((_m, _i, out) => (out as Tensor).add(1));
    const x = fromJson(fx.hooks.input, true);
    const y = m.call(x);
    y.sum().backward();
    expectClose(y, fx.hooks.replace.out, {}, 'out');
    expectClose(x.grad, fx.hooks.replace.inputGrad, {}, 'input grad');
    expectClose(a.weight.grad, fx.hooks.replace.weightGrad, {}, 'weight grad');
  });

  it('handles remove their hook; prepend runs first; forward() bypasses hooks', () => {
    const m = new nn.Tanh();
    const log: string[] = [];
    const h1 = m.registerForwardHook(() => void log.push('a'));
    m.registerForwardHook(() => void log.push('b'), { prepend: true });
    m.call(torch.ones(1));
    expect(log).toEqual(['b', 'a']);
    h1.remove();
    h1.remove();
    m.call(torch.ones(1));
    expect(log).toEqual(['b', 'a', 'b']);
    m.forward(torch.ones(1));
    expect(log).toHaveLength(3);
    expect(() => m.registerForwardHook(42 as never)).toThrow(/expected a function/);
  });

  it('a backward hook with no input requiring grad gets null grad_input (PyTorch)', () => {
    const a = new Affine(w1, b1);
    let seen: Array<Tensor | null> | null = null;
    a.registerFullBackwardHook((_m, gi, go) => {
      seen = gi;
      expect(go[0]).not.toBeNull();
    });
    a.call(fromJson(fx.hooks.input)).sum().backward();
    expect(seen).toEqual([null]);
  });
});

class WithBuffers extends nn.Module {
  scale: nn.Parameter;
  inner: nn.Sequential;
  crit: nn.BCEWithLogitsLoss;
  ce: nn.CrossEntropyLoss;
  nll: nn.NLLLoss;
  constructor() {
    super();
    this.registerBuffer('running', torch.zeros(2));
    this.scale = new nn.Parameter(torch.ones(2));
    this.registerBuffer('cache', torch.ones(1), { persistent: false });
    const dict = new nn.ModuleDict({ a: new nn.ReLU() });
    this.inner = new nn.Sequential(new nn.Tanh(), dict);
    dict.get('a').registerBuffer('count', torch.tensor(3));
    this.crit = new nn.BCEWithLogitsLoss({ weight: torch.ones(2), posWeight: torch.ones(2) });
    this.ce = new nn.CrossEntropyLoss();
    this.nll = new nn.NLLLoss({ weight: torch.ones(3) });
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

describe('buffers and state dicts match PyTorch', () => {
  it('state-dict keys, buffer names and module names', () => {
    const m = new WithBuffers();
    expect(Object.keys(m.stateDict())).toEqual(fx.state.keys);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(fx.state.buffers);
    expect([...m.namedModules()].map(([n]) => n)).toEqual(fx.state.modules);
  });

  it('loadStateDict restores persistent buffers and leaves non-persistent ones alone', () => {
    const a = new WithBuffers();
    const b = new WithBuffers();
    (a as unknown as { running: Tensor }).running.fill_(7);
    (b as unknown as { cache: Tensor }).cache.fill_(5);
    b.loadStateDict(a.stateDict());
    expect((b as unknown as { running: Tensor }).running.tolist()).toEqual([7, 7]);
    expect((b as unknown as { cache: Tensor }).cache.tolist()).toEqual([5]);
    expect(() => b.loadStateDict({ ...a.stateDict(), cache: torch.ones(1) })).toThrow(
      /Unexpected key\(s\) in state_dict: "cache"/,
    );
  });

  it('buffers(), requiresGrad_(), apply() and training', () => {
    const m = new WithBuffers();
    expect(m.buffers()).toHaveLength(fx.state.buffers.length);
    expect(m.buffers(false)).toHaveLength(2);
    m.requiresGrad_(false);
    expect(m.parameters().every((p) => !p.requiresGrad)).toBe(true);
    const visited: string[] = [];
    m.inner.apply((x) => void visited.push(x.constructor.name));
    expect(visited).toEqual(['Tanh', 'ReLU', 'ModuleDict', 'Sequential']);
    m.eval();
    expect(m.modules().every((x) => !x.training)).toBe(true);
    expect(() => m.registerBuffer('scale', torch.ones(1))).toThrow(/already exists/);
  });
});

describe('containers', () => {
  it('ModuleList: registration, indexing, append/insert/pop, iteration', () => {
    const list = new nn.ModuleList([new nn.ReLU(), new nn.Tanh()]);
    list.append(new nn.Sigmoid());
    list.insert(0, new nn.GELU());
    expect(list.length).toBe(4);
    expect(list.get(-1)).toBeInstanceOf(nn.Sigmoid);
    expect([...list].map((m) => m.constructor.name)).toEqual(['GELU', 'ReLU', 'Tanh', 'Sigmoid']);
    expect(list.pop(1)).toBeInstanceOf(nn.ReLU);
    expect([...list.namedChildren()].map(([n]) => n)).toEqual(['0', '1', '2']);
    expect(list.slice(1).length).toBe(2);
    expect(() => list.call()).toThrow(/no forward/);
    expect(() => list.get(5)).toThrow(/out of range/);
  });

  it('ModuleDict: keys in insertion order, get/set/pop', () => {
    const d = new nn.ModuleDict({ a: new nn.ReLU() });
    d.set('b', new nn.Tanh());
    expect(d.keys()).toEqual(['a', 'b']);
    expect(d.get('b')).toBeInstanceOf(nn.Tanh);
    expect(d.has('a')).toBe(true);
    d.pop('a');
    expect(d.keys()).toEqual(['b']);
    expect(() => d.get('zz')).toThrow(/no module named 'zz'/);
  });

  it('Flatten / Unflatten shapes as PyTorch', () => {
    const x = torch.randn(2, 3, 4, 5);
    expect(new nn.Flatten().call(x).shape).toEqual([2, 60]);
    expect(new nn.Flatten(0, 2).call(x).shape).toEqual([24, 5]);
    expect(new nn.Unflatten(1, [3, 20]).call(torch.randn(2, 60)).shape).toEqual([2, 3, 20]);
    expect(new nn.Unflatten(-1, [-1, 4]).call(torch.randn(2, 8)).shape).toEqual([2, 2, 4]);
    expect(() => new nn.Unflatten(1, [7, 3]).call(torch.randn(2, 8))).toThrow(/don't multiply up/);
  });

  it('Sequential: named form, slice, append, insert, pop; runs hooks of its children', () => {
    const s = new nn.Sequential({ act: new nn.Tanh(), out: new nn.Sigmoid() });
    expect([...s.namedChildren()].map(([n]) => n)).toEqual(['act', 'out']);
    const seq = new nn.Sequential(new nn.ReLU(), new nn.Tanh());
    seq.append(new nn.Sigmoid()).insert(1, new nn.GELU());
    expect([...seq].map((m) => m.constructor.name)).toEqual(['ReLU', 'GELU', 'Tanh', 'Sigmoid']);
    expect(seq.slice(1, 3).length).toBe(2);
    let called = 0;
    seq.get(0).registerForwardHook(() => void called++);
    seq.call(torch.ones(2));
    expect(called).toBe(1);
    expect(seq.pop()).toBeInstanceOf(nn.Sigmoid);
    expect(seq.length).toBe(3);
  });
});
