/**
 * Graph programs against PyTorch (test/fixtures/graphs.json): small scripts of tensor method calls,
 * in-place ops among them (also through views), run step by step; then root.sum().backward().
 * Leaves named k... are constants. Every variable's final
 * value and every leaf's gradient must match, or both libraries must refuse.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '../src/index.js';
import { expectClose, loadFixture, type JsonTensor } from './helpers.js';

type Arg = string | number;
interface GraphCase {
  name: string;
  leaves: Record<string, number[] | number[][]>;
  steps: [string | null, string, Arg[]][];
  root: string;
  /** Second order: backward with createGraph, then Σ (grad·grad) over the leaves backward again. */
  double: boolean;
  values?: Record<string, JsonTensor>;
  grads?: Record<string, JsonTensor | null>;
  grads2?: Record<string, JsonTensor | null>;
  error?: string;
}

const { cases } = loadFixture<{ cases: GraphCase[] }>('graphs.json');

type Method = (...args: unknown[]) => unknown;

function run(c: GraphCase): Record<string, Tensor> {
  const env: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.leaves))
    env[k] = tensor(v, { requiresGrad: !k.startsWith('k') });
  for (const [dest, method, [receiver, ...args]] of c.steps) {
    const self = env[receiver as string];
    const fn = (self as unknown as Record<string, Method>)[method];
    expect(fn, `torchlet has Tensor.${method}`).toBeTypeOf('function');
    const out = fn.apply(
      self,
      args.map((a) => (typeof a === 'string' ? env[a] : a)),
    );
    if (dest !== null) env[dest] = out as Tensor;
  }
  env[c.root].sum().backward(undefined, { createGraph: c.double });
  return env;
}

/** The second-order gradients of a `double` case, after run(). */
function secondOrder(c: GraphCase, env: Record<string, Tensor>): Record<string, Tensor | null> {
  const firsts = Object.keys(c.leaves)
    .map((k) => env[k].grad)
    .filter((g): g is Tensor => g !== null);
  for (const k of Object.keys(c.leaves)) env[k].grad = null;
  firsts
    .map((g) => g.mul(g).sum())
    .reduce((a, b) => a.add(b))
    .backward();
  return Object.fromEntries(Object.keys(c.leaves).map((k) => [k, env[k].grad]));
}

describe('graph programs match PyTorch', () => {
  for (const c of cases) {
    it(c.name, () => {
      if (c.error !== undefined) {
        // PyTorch's message up to its first colon (the rest names its tensor types).
        expect(() => run(c)).toThrow(c.error.split(':')[0]);
        return;
      }
      const env = run(c);
      for (const [k, v] of Object.entries(c.values!)) expectClose(env[k], v, {}, `value of ${k}`);
      for (const [k, g] of Object.entries(c.grads!))
        expectClose(env[k].grad, g, {}, `grad of ${k}`);
      if (c.double) {
        const second = secondOrder(c, env);
        for (const [k, g] of Object.entries(c.grads2!))
          expectClose(second[k], g, {}, `second-order grad of ${k}`);
      }
    });
  }

  it('name the op whose in-place write broke a saved input as PyTorch does', () => {
    const c = cases.find((k) => k.name === 'a saved input modified in place is an error')!;
    expect(c.error).toContain('which is output 0 of AddBackward0, is at version 1');
    expect(() => run(c)).toThrow('which is output 0 of AddBackward0, is at version 1');
  });
});
