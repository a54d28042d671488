/** Shared test helpers: fixture decoding and tolerant comparison against PyTorch's numbers. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { Tensor, tensor } from '../src/index.js';

export type JsonNumber = number | 'nan' | 'inf' | '-inf';
export interface JsonTensor {
  shape: number[];
  data: JsonNumber[];
}

const here = dirname(fileURLToPath(import.meta.url));

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(here, 'fixtures', name), 'utf8')) as T;
}

export function num(v: JsonNumber): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v;
}

export function fromJson(t: JsonTensor, requiresGrad = false): Tensor {
  return tensor(Float32Array.from(t.data.map(num)), { shape: t.shape, requiresGrad });
}

export interface Tolerance {
  rtol?: number;
  atol?: number;
}

/** Element-wise closeness with NaN == NaN and exact infinities; the message names the first mismatch. */
export function expectClose(
  actual: Tensor | null,
  expected: JsonTensor | null,
  tol: Tolerance = {},
  label = '',
): void {
  if (expected === null) {
    expect(actual, `${label}: expected null`).toBeNull();
    return;
  }
  expect(actual, `${label}: expected a tensor`).not.toBeNull();
  const a = actual as Tensor;
  expect([...a.shape], `${label}: shape`).toEqual(expected.shape);
  const rtol = tol.rtol ?? 1e-5;
  const atol = tol.atol ?? 1e-6;
  const values = a.toFloat32Array();
  expected.data.forEach((e, i) => {
    const want = num(e);
    const got = values[i];
    const ok = Number.isNaN(want)
      ? Number.isNaN(got)
      : !Number.isFinite(want)
        ? got === want
        : Math.abs(got - want) <= atol + rtol * Math.abs(want);
    if (!ok) {
      expect.fail(
        `${label}: element ${i} is ${got}, PyTorch gives ${want} (rtol ${rtol}, atol ${atol})`,
      );
    }
  });
}

/** Bitwise float32 equality, NaN == NaN. */
export function expectExact(actual: Tensor, expected: JsonTensor, label = ''): void {
  expect([...actual.shape], `${label}: shape`).toEqual(expected.shape);
  const values = actual.toFloat32Array();
  expected.data.forEach((e, i) => {
    const want = Math.fround(num(e));
    const got = values[i];
    if (!(
      Object.is(got, want) ||
      (got === 0 && want === 0) ||
      (Number.isNaN(got) && Number.isNaN(want))
    )) {
      expect.fail(`${label}: element ${i} is ${got}, PyTorch gives ${want} (bit-exact comparison)`);
    }
  });
}
