#!/usr/bin/env python3
"""Generates the PyTorch fixtures that torchlet's tests compare against.

Made with PyTorch 1.13.1 (Debian's python3-torch 1.13.1+dfsg, which reports torch.__version__ as
"1.13.0a0") on x86-64 CPU; every fixture file records the
version that wrote it. Run from the repository root with a Python that can `import torch`:

    python3 scripts/pytorch-fixtures.py

It writes test/fixtures/*.json. CI only reads those files; it never needs PyTorch.

Where PyTorch 2.x behaves differently from 1.13 and torchlet follows 2.x, this script writes the
2.x behaviour explicitly (marked `follows 2.x` below) and docs/pytorch-differences.md explains it.
"""
import json
import math
import os
import random
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures'))
META = {'torch': torch.__version__, 'generator': 'scripts/pytorch-fixtures.py'}


def enc(v):
    """JSON cannot hold NaN or infinities: write them as strings."""
    if isinstance(v, float):
        if math.isnan(v):
            return 'nan'
        if math.isinf(v):
            return 'inf' if v > 0 else '-inf'
    return v


def tensor_json(t):
    if t is None:
        return None
    t = t.detach()
    return {'shape': list(t.shape), 'data': [enc(float(v)) for v in t.double().flatten().tolist()]}


def write(name, payload):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, 'w') as fh:
        json.dump({'meta': META, **payload}, fh, separators=(',', ':'))
        fh.write('\n')
    print(f'wrote {path}')


# ---------------------------------------------------------------------------------------------
# Ops: forward values and gradients for a fixed upstream gradient.
# ---------------------------------------------------------------------------------------------

gen = torch.Generator().manual_seed(1234)


def make_input(spec):
    """spec: (kind, shape) or ('data', nested list); 'T' / 'S' specs are views, see make_leaf."""
    kind, arg = spec
    if kind == 'data':
        return torch.tensor(arg, dtype=torch.float32)
    shape = arg
    if kind == 'randn':
        return torch.randn(shape, generator=gen)
    if kind == 'pos':  # strictly positive, away from 0
        return torch.rand(shape, generator=gen) * 2 + 0.5
    if kind == 'unit':  # in (-0.9, 0.9)
        return torch.rand(shape, generator=gen) * 1.8 - 0.9
    if kind == 'ints':  # small integers: ties for max/min
        return torch.randint(-2, 3, shape, generator=gen).float()
    raise ValueError(kind)


def make_leaf(spec):
    """(leaf, view name): 'T' is the transpose of a contiguous [b, a] leaf, 'S' every second column
    of a [a, 2b] leaf, so ops see non-contiguous memory; gradients are compared on the leaves."""
    kind, shape = spec
    if kind == 'T':
        return torch.randn(list(reversed(shape)), generator=gen), 't'
    if kind == 'S':
        return torch.randn([shape[0], shape[1] * 2], generator=gen), 'step2'
    return make_input(spec), None


def apply_view(leaf, view):
    if view == 't':
        return leaf.t()
    if view == 'step2':
        return leaf[:, ::2]
    return leaf


OPS = {
    'add': lambda a, b, **k: torch.add(a, b, **k),
    'sub': lambda a, b, **k: torch.sub(a, b, **k),
    'mul': lambda a, b: a * b,
    'div': lambda a, b: a / b,
    'pow': lambda a, b: a ** b,
    'maximum': torch.maximum,
    'minimum': torch.minimum,
    'add_scalar': lambda a, s: a + s,
    'sub_scalar': lambda a, s: a - s,
    'rsub_scalar': lambda a, s: s - a,
    'mul_scalar': lambda a, s: a * s,
    'div_scalar': lambda a, s: a / s,
    'rdiv_scalar': lambda a, s: s / a,
    'pow_scalar': lambda a, s: a ** s,
    'rpow_scalar': lambda a, s: s ** a,
    'neg': torch.neg, 'abs': torch.abs, 'sign': torch.sign, 'exp': torch.exp, 'expm1': torch.expm1,
    'log': torch.log, 'log1p': torch.log1p, 'sqrt': torch.sqrt, 'rsqrt': torch.rsqrt,
    'reciprocal': torch.reciprocal, 'sin': torch.sin, 'cos': torch.cos, 'tanh': torch.tanh,
    'sigmoid': torch.sigmoid, 'relu': torch.relu, 'square': torch.square,
    'clamp': lambda a, min=None, max=None: torch.clamp(a, min=min, max=max),
    'where_gt0': lambda a, b: torch.where(a > 0, a, b),
    'eq': torch.eq, 'ne': torch.ne, 'lt': torch.lt, 'le': torch.le, 'gt': torch.gt, 'ge': torch.ge,
    'sum': lambda a, **k: a.sum(**k),
    'mean': lambda a, **k: a.mean(**k),
    'prod': lambda a, **k: a.prod(**k),
    'max_all': lambda a: a.max(),
    'min_all': lambda a: a.min(),
    'max_dim': lambda a, dim, keepdim=False: a.max(dim, keepdim=keepdim).values,
    'min_dim': lambda a, dim, keepdim=False: a.min(dim, keepdim=keepdim).values,
    'argmax': lambda a, dim=None, keepdim=False: a.argmax(dim, keepdim).float(),
    'argmin': lambda a, dim=None, keepdim=False: a.argmin(dim, keepdim).float(),
    'amax': lambda a, **k: a.amax(**k),
    'amin': lambda a, **k: a.amin(**k),
    'var': lambda a, dim=None, correction=1, keepdim=False: (
        a.var(unbiased=bool(correction)) if dim is None else a.var(dim, unbiased=bool(correction), keepdim=keepdim)),
    'std': lambda a, dim=None, correction=1, keepdim=False: (
        a.std(unbiased=bool(correction)) if dim is None else a.std(dim, unbiased=bool(correction), keepdim=keepdim)),
    'norm': lambda a, p=2, dim=None, keepdim=False: torch.linalg.vector_norm(a, p, dim, keepdim),
    'logsumexp': lambda a, dim, keepdim=False: torch.logsumexp(a, dim, keepdim),
    'matmul': torch.matmul, 'mm': torch.mm, 'bmm': torch.bmm, 'dot': torch.dot, 'outer': torch.outer,
    'reshape': lambda a, shape: a.reshape(shape),
    'view': lambda a, shape: a.view(shape),
    'transpose': lambda a, d0, d1: a.transpose(d0, d1),
    't': lambda a: a.t(),
    'permute': lambda a, dims: a.permute(dims),
    'unsqueeze': lambda a, dim: a.unsqueeze(dim),
    'squeeze': lambda a, dim=None: a.squeeze() if dim is None else a.squeeze(dim),
    'flatten': lambda a, start=0, end=-1: a.flatten(start, end),
    'expand': lambda a, shape: a.expand(shape),
    'select': lambda a, dim, index: a.select(dim, index),
    'narrow': lambda a, dim, start, length: a.narrow(dim, start, length),
    'slice': lambda a, dim, start, end, step=1: a[(slice(None),) * dim + (slice(start, end, step),)],
    'transpose_contiguous_sum': lambda a: (a.t().contiguous() * torch.arange(float(a.numel())).view(a.t().shape)).sum(),
    'cat': lambda a, b, dim=0: torch.cat([a, b], dim),
    'stack': lambda a, b, dim=0: torch.stack([a, b], dim),
    'mse_loss': lambda a, b, reduction='mean': F.mse_loss(a, b, reduction=reduction),
    'l1_loss': lambda a, b, reduction='mean': F.l1_loss(a, b, reduction=reduction),
    'linear': lambda x, w, b=None: F.linear(x, w, b),
    'linear_nobias': lambda x, w: F.linear(x, w),
}

R, P, U, I, D = 'randn', 'pos', 'unit', 'ints', 'data'

CASES = [
    # Binary arithmetic with broadcasting.
    ('add same', 'add', [(R, [3, 4]), (R, [3, 4])], {}),
    ('add broadcast row', 'add', [(R, [3, 4]), (R, [4])], {}),
    ('add broadcast both', 'add', [(R, [3, 1]), (R, [1, 4])], {}),
    ('add broadcast 3d', 'add', [(R, [2, 1, 4]), (R, [3, 1])], {}),
    ('add 0-d', 'add', [(R, [2, 3]), (R, [])], {}),
    ('add alpha', 'add', [(R, [2, 3]), (R, [3])], {'alpha': 2.5}),
    ('sub broadcast', 'sub', [(R, [2, 3]), (R, [2, 1])], {}),
    ('sub alpha', 'sub', [(R, [4]), (R, [4])], {'alpha': -0.5}),
    ('mul broadcast', 'mul', [(R, [2, 3, 4]), (R, [3, 1])], {}),
    ('mul same', 'mul', [(R, [5]), (R, [5])], {}),
    ('div broadcast', 'div', [(R, [3, 4]), (P, [4])], {}),
    ('div same', 'div', [(R, [2, 2]), (P, [2, 2])], {}),
    ('pow tensor', 'pow', [(P, [3, 2]), (R, [3, 2])], {}),
    ('pow tensor broadcast', 'pow', [(P, [2, 3]), (U, [3])], {}),
    ('maximum ties', 'maximum', [(I, [4, 5]), (I, [4, 5])], {}),
    ('minimum broadcast', 'minimum', [(R, [3, 4]), (R, [4])], {}),
    ('add scalar', 'add_scalar', [(R, [2, 3])], {'s': 1.5}),
    ('sub scalar', 'sub_scalar', [(R, [2, 3])], {'s': 0.25}),
    ('rsub scalar', 'rsub_scalar', [(R, [2, 3])], {'s': 2.0}),
    ('mul scalar', 'mul_scalar', [(R, [2, 3])], {'s': -3.0}),
    ('div scalar', 'div_scalar', [(R, [2, 3])], {'s': 7.0}),
    ('rdiv scalar', 'rdiv_scalar', [(P, [2, 3])], {'s': 2.0}),
    ('pow scalar 2', 'pow_scalar', [(R, [2, 3])], {'s': 2.0}),
    ('pow scalar 3', 'pow_scalar', [(R, [6])], {'s': 3.0}),
    ('pow scalar 0.5', 'pow_scalar', [(P, [6])], {'s': 0.5}),
    ('pow scalar -1.5', 'pow_scalar', [(P, [6])], {'s': -1.5}),
    ('pow scalar 0', 'pow_scalar', [(R, [4])], {'s': 0.0}),
    ('rpow scalar', 'rpow_scalar', [(R, [5])], {'s': 2.0}),
    # Unary math.
    ('neg', 'neg', [(R, [2, 3])], {}),
    ('abs', 'abs', [(D, [-2.0, -0.5, 0.0, 0.5, 3.0])], {}),
    ('sign', 'sign', [(D, [-2.0, 0.0, 3.0])], {}),
    ('exp', 'exp', [(R, [2, 3])], {}),
    ('expm1', 'expm1', [(R, [5])], {}),
    ('log', 'log', [(P, [2, 3])], {}),
    ('log1p', 'log1p', [(P, [5])], {}),
    ('sqrt', 'sqrt', [(P, [2, 3])], {}),
    ('rsqrt', 'rsqrt', [(P, [2, 3])], {}),
    ('reciprocal', 'reciprocal', [(P, [5])], {}),
    ('sin', 'sin', [(R, [5])], {}),
    ('cos', 'cos', [(R, [5])], {}),
    ('tanh', 'tanh', [(R, [3, 3])], {}),
    ('sigmoid', 'sigmoid', [(R, [3, 3])], {}),
    ('relu', 'relu', [(D, [-1.0, 0.0, 2.0, -3.0, 0.5])], {}),
    ('square', 'square', [(R, [4])], {}),
    ('clamp both', 'clamp', [(D, [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])], {'min': -1.0, 'max': 1.0}),
    ('clamp min', 'clamp', [(R, [3, 4])], {'min': 0.0}),
    ('clamp max', 'clamp', [(R, [3, 4])], {'max': 0.1}),
    ('clamp min>max', 'clamp', [(R, [5])], {'min': 1.0, 'max': -1.0}),
    ('clamp nan', 'clamp', [(D, [float('nan'), 3.0, -3.0])], {'min': -1.0, 'max': 1.0}),
    ('where', 'where_gt0', [(R, [3, 4]), (R, [4])], {}),
    # Comparisons (forward only).
    ('eq', 'eq', [(I, [3, 4]), (I, [4])], {}),
    ('ne', 'ne', [(I, [3, 4]), (I, [3, 4])], {}),
    ('lt', 'lt', [(I, [3, 4]), (I, [1, 4])], {}),
    ('le', 'le', [(I, [3, 4]), (I, [3, 1])], {}),
    ('gt', 'gt', [(I, [6]), (I, [6])], {}),
    ('ge', 'ge', [(I, [6]), (I, [])], {}),
    # Reductions.
    ('sum all', 'sum', [(R, [3, 4])], {}),
    ('sum dim0', 'sum', [(R, [3, 4])], {'dim': 0}),
    ('sum dim-1 keepdim', 'sum', [(R, [3, 4])], {'dim': -1, 'keepdim': True}),
    ('sum dims list', 'sum', [(R, [2, 3, 4])], {'dim': [0, 2]}),
    ('sum dims list keepdim', 'sum', [(R, [2, 3, 4])], {'dim': [-1, 0], 'keepdim': True}),
    ('sum 0-d', 'sum', [(R, [])], {}),
    ('mean all', 'mean', [(R, [3, 4])], {}),
    ('mean dim1', 'mean', [(R, [3, 4])], {'dim': 1}),
    ('mean dims keepdim', 'mean', [(R, [2, 3, 4])], {'dim': [1, 2], 'keepdim': True}),
    ('prod all', 'prod', [(U, [2, 3])], {}),
    ('prod dim', 'prod', [(U, [3, 4])], {'dim': 1}),
    ('prod with zero', 'prod', [(D, [[1.0, 0.0, 3.0], [2.0, 4.0, 0.5]])], {'dim': 1}),
    ('prod two zeros', 'prod', [(D, [0.0, 2.0, 0.0])], {}),
    ('max all ties', 'max_all', [(D, [[1.0, 3.0], [3.0, 2.0]])], {}),
    ('min all', 'min_all', [(R, [3, 4])], {}),
    ('max dim', 'max_dim', [(R, [3, 4])], {'dim': 1}),
    ('max dim keepdim', 'max_dim', [(R, [3, 4])], {'dim': 0, 'keepdim': True}),
    ('min dim', 'min_dim', [(R, [2, 3, 4])], {'dim': -2}),
    ('argmax all', 'argmax', [(R, [3, 4])], {}),
    ('argmax dim', 'argmax', [(R, [3, 4])], {'dim': 1}),
    ('argmin dim keepdim', 'argmin', [(R, [3, 4])], {'dim': 0, 'keepdim': True}),
    ('amax dims ties', 'amax', [(I, [3, 4])], {'dim': 1}),
    ('amax all', 'amax', [(I, [3, 4])], {}),
    ('amin dims', 'amin', [(R, [2, 3, 4])], {'dim': [0, 2], 'keepdim': True}),
    ('var all', 'var', [(R, [3, 4])], {}),
    ('var dim', 'var', [(R, [3, 4])], {'dim': 1}),
    ('var biased keepdim', 'var', [(R, [3, 4])], {'dim': 0, 'correction': 0, 'keepdim': True}),
    ('std all', 'std', [(R, [3, 4])], {}),
    ('std dim biased', 'std', [(R, [3, 4])], {'dim': 1, 'correction': 0}),
    ('logsumexp', 'logsumexp', [(R, [3, 4])], {'dim': 1}),
    ('logsumexp keepdim', 'logsumexp', [(R, [3, 4])], {'dim': 0, 'keepdim': True}),
] + [
    (f'norm p={p}', 'norm', [(R, [3, 4])], {'p': p}) for p in [2, 1, 3, 0.5, 1.5, float('inf'), float('-inf'), 0, -1]
] + [
    ('norm p=2 dim', 'norm', [(R, [3, 4])], {'p': 2, 'dim': 1}),
    ('norm p=1 dim keepdim', 'norm', [(R, [3, 4])], {'p': 1, 'dim': 0, 'keepdim': True}),
    ('norm p=inf dim', 'norm', [(R, [3, 4])], {'p': float('inf'), 'dim': 1}),
    ('norm p=inf ties', 'norm', [(D, [[1.0, -3.0, 3.0], [2.0, 0.0, -2.0]])], {'p': float('inf'), 'dim': 1}),
    ('norm p=3 dims', 'norm', [(R, [2, 3, 4])], {'p': 3, 'dim': [0, 2]}),
    ('norm p=2 with zero row', 'norm', [(D, [[0.0, 0.0], [3.0, 4.0]])], {'p': 2, 'dim': 1}),
    ('norm p=0.5 with zeros', 'norm', [(D, [0.0, 1.0, 4.0])], {'p': 0.5}),
    ('norm p=2 0-d', 'norm', [(R, [])], {'p': 2}),
    # Matrix products.
    ('matmul 1d 1d', 'matmul', [(R, [4]), (R, [4])], {}),
    ('matmul 2d 2d', 'matmul', [(R, [3, 4]), (R, [4, 5])], {}),
    ('matmul 1d 2d', 'matmul', [(R, [4]), (R, [4, 5])], {}),
    ('matmul 2d 1d', 'matmul', [(R, [3, 4]), (R, [4])], {}),
    ('matmul batched', 'matmul', [(R, [2, 3, 4]), (R, [2, 4, 5])], {}),
    ('matmul batched broadcast', 'matmul', [(R, [2, 1, 3, 4]), (R, [3, 4, 2])], {}),
    ('matmul 3d 2d', 'matmul', [(R, [2, 3, 4]), (R, [4, 2])], {}),
    ('matmul 1d 3d', 'matmul', [(R, [4]), (R, [2, 4, 3])], {}),
    ('matmul 3d 1d', 'matmul', [(R, [2, 3, 4]), (R, [4])], {}),
    ('mm', 'mm', [(R, [5, 3]), (R, [3, 2])], {}),
    ('bmm', 'bmm', [(R, [3, 2, 4]), (R, [3, 4, 2])], {}),
    ('dot', 'dot', [(R, [6]), (R, [6])], {}),
    ('outer', 'outer', [(R, [3]), (R, [4])], {}),
    # Views.
    ('reshape', 'reshape', [(R, [3, 4])], {'shape': [2, 6]}),
    ('reshape infer', 'reshape', [(R, [3, 4])], {'shape': [-1, 3]}),
    ('view', 'view', [(R, [2, 3, 4])], {'shape': [6, 4]}),
    ('transpose', 'transpose', [(R, [2, 3, 4])], {'d0': 0, 'd1': 2}),
    ('t', 't', [(R, [3, 4])], {}),
    ('permute', 'permute', [(R, [2, 3, 4])], {'dims': [2, 0, 1]}),
    ('unsqueeze', 'unsqueeze', [(R, [3, 4])], {'dim': 1}),
    ('unsqueeze neg', 'unsqueeze', [(R, [3, 4])], {'dim': -1}),
    ('squeeze all', 'squeeze', [(R, [1, 3, 1, 4])], {}),
    ('squeeze dim', 'squeeze', [(R, [1, 3, 1, 4])], {'dim': 2}),
    ('flatten', 'flatten', [(R, [2, 3, 4])], {}),
    ('flatten range', 'flatten', [(R, [2, 3, 4, 2])], {'start': 1, 'end': 2}),
    ('expand', 'expand', [(R, [3, 1])], {'shape': [2, 3, 4]}),
    ('expand keep', 'expand', [(R, [1, 4])], {'shape': [3, -1]}),
    ('select', 'select', [(R, [3, 4])], {'dim': 1, 'index': 2}),
    ('select neg', 'select', [(R, [3, 4])], {'dim': 0, 'index': -1}),
    ('narrow', 'narrow', [(R, [4, 5])], {'dim': 1, 'start': 1, 'length': 3}),
    ('slice step', 'slice', [(R, [4, 6])], {'dim': 1, 'start': 1, 'end': 6, 'step': 2}),
    ('slice clamp', 'slice', [(R, [4, 6])], {'dim': 0, 'start': -3, 'end': 100}),
    ('transpose contiguous', 'transpose_contiguous_sum', [(R, [3, 4])], {}),
    ('cat', 'cat', [(R, [2, 3]), (R, [4, 3])], {}),
    ('cat dim1', 'cat', [(R, [2, 3]), (R, [2, 1])], {'dim': 1}),
    ('stack', 'stack', [(R, [2, 3]), (R, [2, 3])], {'dim': 1}),
    # nn.functional.
    ('mse mean', 'mse_loss', [(R, [4, 3]), (R, [4, 3])], {}),
    ('mse sum', 'mse_loss', [(R, [4, 3]), (R, [4, 3])], {'reduction': 'sum'}),
    ('mse none', 'mse_loss', [(R, [4, 3]), (R, [4, 3])], {'reduction': 'none'}),
    ('mse reference', 'mse_loss', [(D, [1.0, 2.0, 3.0]), (D, [1.5, 2.0, 0.0])], {}),
    ('l1 mean', 'l1_loss', [(R, [4, 3]), (R, [4, 3])], {}),
    ('l1 sum', 'l1_loss', [(R, [5]), (R, [5])], {'reduction': 'sum'}),
    ('linear', 'linear', [(R, [4, 3]), (R, [2, 3]), (R, [2])], {}),
    ('linear nobias', 'linear_nobias', [(R, [4, 3]), (R, [2, 3])], {}),
    ('linear 3d input', 'linear', [(R, [2, 4, 3]), (R, [5, 3]), (R, [5])], {}),
    ('linear 1d input', 'linear', [(R, [3]), (R, [2, 3]), (R, [2])], {}),
]

T, S = 'T', 'S'
CASES += [
    # Non-contiguous inputs: transposed (T) and strided (S) views of contiguous leaves.
    ('add transposed', 'add', [(T, [3, 4]), (R, [3, 4])], {}),
    ('mul strided broadcast', 'mul', [(S, [3, 4]), (R, [4])], {}),
    ('div transposed both', 'div', [(T, [3, 4]), (T, [3, 4])], {}),
    ('maximum strided', 'maximum', [(S, [2, 5]), (T, [2, 5])], {}),
    ('exp transposed', 'exp', [(T, [3, 4])], {}),
    ('tanh strided', 'tanh', [(S, [3, 3])], {}),
    ('clamp transposed', 'clamp', [(T, [3, 4])], {'min': -0.5, 'max': 0.5}),
    ('where strided', 'where_gt0', [(S, [3, 4]), (T, [3, 4])], {}),
    ('sum dim0 transposed', 'sum', [(T, [3, 4])], {'dim': 0}),
    ('mean dim1 strided keepdim', 'mean', [(S, [3, 4])], {'dim': 1, 'keepdim': True}),
    ('max dim transposed', 'max_dim', [(T, [3, 4])], {'dim': 1}),
    ('amax strided', 'amax', [(S, [3, 4])], {'dim': 0}),
    ('var transposed', 'var', [(T, [3, 4])], {'dim': 1}),
    ('norm p=2 dim transposed', 'norm', [(T, [3, 4])], {'p': 2, 'dim': 1}),
    ('norm p=3 strided', 'norm', [(S, [3, 4])], {'p': 3}),
    ('norm p=inf transposed', 'norm', [(T, [3, 4])], {'p': float('inf'), 'dim': 0}),
    ('logsumexp strided', 'logsumexp', [(S, [3, 4])], {'dim': 1}),
    ('prod transposed', 'prod', [(T, [3, 4])], {'dim': 0}),
    ('matmul transposed A', 'matmul', [(T, [5, 3]), (R, [3, 4])], {}),
    ('matmul transposed B', 'matmul', [(R, [5, 3]), (T, [3, 4])], {}),
    ('matmul both transposed', 'matmul', [(T, [5, 3]), (T, [3, 4])], {}),
    ('mm strided', 'mm', [(S, [4, 3]), (S, [3, 5])], {}),
    ('matmul large transposed (SIMD path)', 'matmul', [(T, [24, 40]), (T, [40, 33])], {}),
    ('matmul large strided (SIMD path)', 'matmul', [(S, [20, 30]), (R, [30, 17])], {}),
    ('view of transposed via reshape', 'reshape', [(T, [3, 4])], {'shape': [12]}),
    ('select strided', 'select', [(S, [3, 4])], {'dim': 1, 'index': 1}),
    ('cat transposed', 'cat', [(T, [2, 3]), (R, [2, 3])], {'dim': 0}),
    ('mse transposed', 'mse_loss', [(T, [4, 3]), (R, [4, 3])], {}),
    ('linear transposed input and weight', 'linear', [(T, [4, 3]), (T, [2, 3]), (R, [2])], {}),
    ('linear large (SIMD path)', 'linear', [(R, [16, 32]), (R, [24, 32]), (R, [24])], {}),
]

CASES += [
    # Gradient edge cases: zeros, ties and constants, where derivative conventions matter.
    ('std of a constant', 'std', [(D, [1.0, 1.0, 1.0, 1.0])], {}),
    ('norm p=2 of zeros', 'norm', [(D, [0.0, 0.0, 0.0])], {'p': 2}),
    ('norm p=3 of zeros', 'norm', [(D, [0.0, 0.0, 0.0])], {'p': 3}),
    ('norm p=0.5 of zeros', 'norm', [(D, [0.0, 0.0, 0.0])], {'p': 0.5}),
    ('sqrt at 0', 'sqrt', [(D, [0.0, 4.0])], {}),
    ('pow 0.5 at 0', 'pow_scalar', [(D, [0.0, 2.0])], {'s': 0.5}),
    ('max dim with ties', 'max_dim', [(D, [[1.0, 1.0], [2.0, 2.0]])], {'dim': 1}),
    ('amax with ties', 'amax', [(D, [[1.0, 1.0], [3.0, 2.0]])], {'dim': 1}),
    ('relu at 0', 'relu', [(D, [0.0, -0.0])], {}),
    ('clamp at the bounds', 'clamp', [(D, [-1.0, 1.0, 0.0])], {'min': -1.0, 'max': 1.0}),
    ('maximum equal', 'maximum', [(D, [1.0, 2.0]), (D, [1.0, 2.0])], {}),
    # Views of 0-d tensors and views to 0-d.
    ('view 0-d as [1]', 'view', [(R, [])], {'shape': [1]}),
    ('reshape 0-d as [1, 1]', 'reshape', [(R, [])], {'shape': [1, 1]}),
    ('reshape 0-d as [-1]', 'reshape', [(R, [])], {'shape': [-1]}),
    ('flatten 0-d', 'flatten', [(R, [])], {}),
    ('view [1, 1] as 0-d', 'view', [(R, [1, 1])], {'shape': []}),
]

FORWARD_ONLY = {'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'argmax', 'argmin', 'sign'}


def run_case(name, op, input_specs, kwargs):
    made = [make_leaf(s) for s in input_specs]
    differentiable = op not in FORWARD_ONLY
    leaves = [x.clone().requires_grad_(differentiable) for x, _ in made]
    out = OPS[op](*[apply_view(leaf, view) for leaf, (_, view) in zip(leaves, made)], **kwargs)
    case = {
        'name': name,
        'op': op,
        'inputs': [tensor_json(x) for x, _ in made],
        'views': [view for _, view in made],
        'kwargs': {k: enc(v) if isinstance(v, float) else v for k, v in kwargs.items()},
        'output': tensor_json(out),
    }
    if differentiable and out.requires_grad:
        gout = torch.randn(out.shape, generator=gen)
        out.backward(gout)
        case['gradOutput'] = tensor_json(gout)
        case['grads'] = [tensor_json(x.grad) for x in leaves]
    return case


ERROR_CASES = [
    # (name, op, inputs, kwargs): PyTorch raises for these; torchlet must throw too.
    ('add shapes', 'add', [(R, [2, 3]), (R, [4])], {}),
    ('mm shapes', 'mm', [(R, [2, 3]), (R, [2, 1])], {}),
    ('matmul shapes', 'matmul', [(R, [2, 3]), (R, [2, 1])], {}),
    ('matmul batched shapes', 'matmul', [(R, [2, 3, 4]), (R, [3, 5, 2])], {}),
    ('bmm batch', 'bmm', [(R, [2, 3, 4]), (R, [3, 4, 2])], {}),
    ('dot lengths', 'dot', [(R, [3]), (R, [4])], {}),
    ('view incompatible', 'view', [(R, [3, 4])], {'shape': [5, 2]}),
    ('reshape two -1', 'reshape', [(R, [3, 4])], {'shape': [-1, -1]}),
    ('transpose dim', 'transpose', [(R, [3, 4])], {'d0': 0, 'd1': 2}),
    ('permute length', 'permute', [(R, [3, 4])], {'dims': [0]}),
    ('expand size', 'expand', [(R, [3])], {'shape': [2, 4]}),
    ('select index', 'select', [(R, [3, 4])], {'dim': 0, 'index': 3}),
    ('narrow range', 'narrow', [(R, [3, 4])], {'dim': 1, 'start': 2, 'length': 3}),
    ('sum dim', 'sum', [(R, [3, 4])], {'dim': 2}),
    ('cat shapes', 'cat', [(R, [2, 3]), (R, [2, 4])], {}),
    ('norm inf empty', 'norm', [(D, [])], {'p': float('inf')}),
    ('t 3d', 't', [(R, [2, 3, 4])], {}),
    ('mse reduction', 'mse_loss', [(R, [2]), (R, [2])], {'reduction': 'avg'}),
    ('linear shapes', 'linear', [(R, [4, 3]), (R, [2, 4]), (R, [2])], {}),
]


def run_error(name, op, input_specs, kwargs):
    inputs = [make_input(s) for s in input_specs]
    try:
        OPS[op](*inputs, **kwargs)
    except (RuntimeError, ValueError, IndexError, TypeError) as e:
        return {'name': name, 'op': op, 'inputs': [tensor_json(x) for x in inputs],
                'kwargs': {k: enc(v) if isinstance(v, float) else v for k, v in kwargs.items()},
                'error': str(e).split('\n')[0]}
    raise AssertionError(f'PyTorch did not raise for {name}')


CREATION = [
    ('arange(5)', lambda: torch.arange(5.)),
    ('arange(1, 2.5, 0.3)', lambda: torch.arange(1, 2.5, 0.3)),
    ('arange(10, 0, -3)', lambda: torch.arange(10., 0, -3)),
    ('arange(0, 1, 0.1)', lambda: torch.arange(0, 1, 0.1)),
    ('linspace(0, 1, 7)', lambda: torch.linspace(0, 1, 7)),
    ('linspace(-3, 5, 10)', lambda: torch.linspace(-3, 5, 10)),
    ('linspace(2, 2, 1)', lambda: torch.linspace(2, 2, 1)),
    ('linspace(0.1, 1e3, 33)', lambda: torch.linspace(0.1, 1e3, 33)),
    ('eye(3)', lambda: torch.eye(3)),
    ('eye(2, 4)', lambda: torch.eye(2, 4)),
    ('full([2, 3], 1.5)', lambda: torch.full([2, 3], 1.5)),
]


def ops_fixtures():
    cases = [run_case(*c) for c in CASES]
    errors = [run_error(*c) for c in ERROR_CASES]
    creation = [{'name': name, 'output': tensor_json(fn())} for name, fn in CREATION]
    write('ops.json', {'cases': cases, 'errors': errors, 'creation': creation})


# ---------------------------------------------------------------------------------------------
# Random streams and nn.Linear initialisation.
# ---------------------------------------------------------------------------------------------

def random_fixtures():
    seeds = [0, 1, 42, 1234, 2 ** 32 + 7, 987654321]
    out = {'rand': [], 'randn': [], 'linear': [], 'randint': [], 'randperm': [], 'sequence': [], 'generator': []}
    for s in seeds:
        torch.manual_seed(s)
        out['rand'].append({'seed': s, 'shape': [7, 3], 'values': tensor_json(torch.rand(7, 3))})
    for n in [1, 2, 3, 5, 15, 16, 17, 31, 32, 33, 100]:
        torch.manual_seed(n)
        out['randn'].append({'seed': n, 'shape': [n], 'values': tensor_json(torch.randn(n))})
    for s, (i, o) in [(0, (2, 1)), (0, (3, 2)), (1, (10, 10)), (42, (16, 64)), (7, (64, 50)), (3, (1, 1))]:
        torch.manual_seed(s)
        layer = nn.Linear(i, o)
        out['linear'].append({'seed': s, 'in': i, 'out': o, 'weight': tensor_json(layer.weight),
                              'bias': tensor_json(layer.bias)})
    torch.manual_seed(5)
    layer = nn.Linear(4, 3, bias=False)
    out['linear'].append({'seed': 5, 'in': 4, 'out': 3, 'weight': tensor_json(layer.weight), 'bias': None})
    for s, lo, hi, shape in [(0, 0, 10, [20]), (3, -5, 5, [4, 4]), (9, 0, 2, [30])]:
        torch.manual_seed(s)
        out['randint'].append({'seed': s, 'low': lo, 'high': hi, 'shape': shape,
                               'values': tensor_json(torch.randint(lo, hi, shape).float())})
    for s, n in [(0, 10), (1, 5), (2, 1), (4, 50)]:
        torch.manual_seed(s)
        out['randperm'].append({'seed': s, 'n': n, 'values': tensor_json(torch.randperm(n).float())})
    # One stream through several calls, including the cached Box–Muller sample of small randn.
    torch.manual_seed(11)
    seq = [('rand', [3]), ('randn', [3]), ('randn', [1]), ('rand', [2]), ('randn', [20]), ('uniform', [4], -2.0, 3.0),
           ('normal', [5], 1.0, 0.5), ('normal', [18], -1.0, 2.0)]
    for item in seq:
        kind, shape = item[0], item[1]
        if kind == 'rand':
            v = torch.rand(shape)
        elif kind == 'randn':
            v = torch.randn(shape)
        elif kind == 'uniform':
            v = torch.empty(shape).uniform_(item[2], item[3])
        else:
            v = torch.empty(shape).normal_(item[2], item[3])
        out['sequence'].append({'kind': kind, 'shape': shape, 'args': list(item[2:]), 'values': tensor_json(v)})
    g = torch.Generator().manual_seed(99)
    out['generator'] = {'seed': 99, 'rand': tensor_json(torch.rand(5, generator=g)),
                        'randn': tensor_json(torch.randn(4, generator=g))}
    write('random.json', out)


# ---------------------------------------------------------------------------------------------
# Gradient clipping.
# ---------------------------------------------------------------------------------------------

def params_with_grads(grads):
    """Zero parameters whose .grad is each entry (nested lists), or no grad where the entry is None."""
    params = []
    for g in grads:
        p = torch.zeros(torch.tensor(g).shape if g is not None else (1,), requires_grad=True)
        if g is not None:
            p.grad = torch.tensor(g, dtype=torch.float32)
        params.append(p)
    return params


def clip_case(name, grads, max_norm, norm_type=2.0, error_if_nonfinite=False, duplicate_first=False):
    """grads: list of nested lists or None (a parameter without a gradient)."""
    params = params_with_grads(grads)
    before = [tensor_json(p.grad) for p in params]
    call_params = params + ([params[0]] if duplicate_first else [])
    case = {'name': name, 'grads': before, 'maxNorm': enc(float(max_norm)), 'normType': enc(float(norm_type)),
            'errorIfNonfinite': error_if_nonfinite, 'duplicateFirst': duplicate_first}
    try:
        total = torch.nn.utils.clip_grad_norm_(call_params, max_norm, norm_type=norm_type,
                                               error_if_nonfinite=error_if_nonfinite)
        case['total'] = enc(float(total))
        case['after'] = [tensor_json(p.grad) for p in params]
    except RuntimeError as e:
        case['error'] = str(e)
        case['after'] = [tensor_json(p.grad) for p in params]
    return case


def clip_fixtures():
    g1, g2 = [3.0, 4.0], [0.0, 12.0]
    cases = []
    for p in [2, 1, 3, 0.5, 1.5, 4, float('inf'), float('-inf'), 0, -1, -2, -0.5]:
        cases.append(clip_case(f'reference p={p}', [g1, g2], 1.0, p))
    gen_c = torch.Generator().manual_seed(7)

    def rnd(*shape, scale=1.0):
        return (torch.randn(*shape, generator=gen_c) * scale).tolist()

    for p in [2, 1, 3, 0.5, float('inf')]:
        cases.append(clip_case(f'random model p={p}', [rnd(4, 3), rnd(4), rnd(2, 4), rnd(2)], 0.7, p))
        cases.append(clip_case(f'random small grads p={p}', [rnd(4, 3, scale=1e-3), rnd(4, scale=1e-3)], 5.0, p))
    cases += [
        clip_case('max_norm 0', [g1], 0.0),
        clip_case('max_norm negative', [g1], -1.0),
        clip_case('max_norm huge', [g1], 1e9),
        clip_case('max_norm inf', [g1], float('inf')),
        clip_case('max_norm nan', [g1], float('nan')),
        clip_case('norm at threshold', [g1], 5.0),
        clip_case('norm just below threshold', [g1], 5.000002),
        clip_case('inf grad', [[float('inf'), 1.0]], 1.0),
        clip_case('-inf grad', [[float('-inf'), 1.0], [2.0]], 1.0),
        clip_case('nan grad', [[float('nan'), 1.0]], 1.0),
        clip_case('overflow grad', [[3e38, 3e38]], 1.0),
        clip_case('inf grad inf-norm', [[float('inf'), 1.0]], 1.0, float('inf')),
        clip_case('nan grad inf-norm', [[float('nan'), 1.0]], 1.0, float('inf')),
        clip_case('error inf grad', [[float('inf'), 1.0]], 1.0, 2.0, True),
        clip_case('error nan grad', [[float('nan'), 1.0], [1.0]], 1.0, 2.0, True),
        clip_case('error inf-norm nan', [[float('nan'), 1.0]], 1.0, float('inf'), True),
        clip_case('error overflow p=3', [[3e38, 1.0]], 1.0, 3.0, True),
        clip_case('error finite', [g1, g2], 1.0, 2.0, True),
        clip_case('none grads skipped', [g1, None, g2], 1.0),
        clip_case('all grads none', [None, None], 1.0),
        clip_case('empty list', [], 1.0),
        clip_case('duplicate parameter', [g1], 1.0, 2.0, False, True),
        clip_case('2-d grads', [[[1.0, 2.0], [3.0, 4.0]], [[0.5], [0.25]]], 2.0),
        clip_case('empty grad tensor', [[], [3.0, 4.0]], 1.0),
        clip_case('zero grads', [[0.0, 0.0]], 1.0),
    ]
    # PyTorch's own test_clip_grad_norm fixture: Linear(10, 10), max_norm 2.
    pt = []
    for p in [0.5, 1.5, 2, 4, float('inf')]:
        l = nn.Linear(10, 10)
        grads = [torch.arange(1., 101).view(10, 10), torch.ones(10).div(1000)]
        for param, g in zip(l.parameters(), grads):
            param._grad = g.clone().view_as(param.data)
        total = torch.nn.utils.clip_grad_norm_(l.parameters(), 2, norm_type=p)
        pt.append({'normType': enc(float(p)), 'total': float(total),
                   'weightGrad': tensor_json(l.weight.grad), 'biasGrad': tensor_json(l.bias.grad)})
    # clip_grad_value_.
    value_cases = []

    def value_case(name, grads, clip_value):
        params = params_with_grads(grads)
        before = [tensor_json(p.grad) for p in params]
        torch.nn.utils.clip_grad_value_(params, clip_value)
        value_cases.append({'name': name, 'grads': before, 'clipValue': enc(float(clip_value)),
                            'after': [tensor_json(p.grad) for p in params]})

    value_case('pytorch test', [torch.arange(-50., 50).view(10, 10).div_(5).tolist(), torch.ones(10).mul_(2).tolist()], 2.5)
    value_case('with none', [torch.arange(-50., 50).view(10, 10).div_(5).tolist(), None], 2.5)
    value_case('nan and inf', [[float('nan'), float('inf'), float('-inf'), 0.5, -7.0]], 1.0)
    value_case('negative clip value', [[3.0, -3.0, 0.5]], -1.0)
    value_case('zero clip value', [[3.0, 0.5]], 0.0)
    value_case('random', [rnd(3, 4, scale=3.0)], 1.7)
    # parameters_to_vector.
    vec = torch.nn.utils.parameters_to_vector([torch.arange(9.), torch.arange(9.).view(3, 3), torch.arange(8.).view(2, 2, 2)])
    write('clip.json', {'norm': cases, 'pytorchTest': pt, 'value': value_cases, 'parametersToVector': tensor_json(vec)})


# ---------------------------------------------------------------------------------------------
# Training: the headline program, MSELoss and SGD trajectories.
# ---------------------------------------------------------------------------------------------

def sgd_fixtures():
    out = {'headline': None, 'trajectories': []}
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    inputs = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    targets = torch.tensor([[1.0], [2.0]])
    loss = nn.MSELoss()(model(inputs), targets)
    loss.backward()
    grads_before = [tensor_json(p.grad) for p in model.parameters()]
    total = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    after = sum(p.grad.data.norm(2).item() ** 2 for p in model.parameters()) ** 0.5
    optimizer.step()
    out['headline'] = {'loss': float(loss), 'gradsBefore': grads_before, 'total': float(total), 'normAfter': after,
                       'weight': tensor_json(model.weight), 'bias': tensor_json(model.bias)}

    configs = []
    for momentum in [0.0, 0.9]:
        for dampening in [0.0, 0.3]:
            for wd in [0.0, 0.01]:
                for nesterov in [False, True]:
                    for maximize in [False, True]:
                        if nesterov and (momentum == 0 or dampening != 0):
                            continue
                        configs.append({'lr': 0.05, 'momentum': momentum, 'dampening': dampening,
                                        'weightDecay': wd, 'nesterov': nesterov, 'maximize': maximize})
    for idx, cfg in enumerate(configs):
        for clip in [None, 0.5]:
            torch.manual_seed(100 + idx)
            model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
            x = torch.randn(5, 3)
            y = torch.randn(5, 2)
            opt = torch.optim.SGD(model.parameters(), lr=cfg['lr'], momentum=cfg['momentum'],
                                  dampening=cfg['dampening'], weight_decay=cfg['weightDecay'],
                                  nesterov=cfg['nesterov'], maximize=cfg['maximize'])
            init = [tensor_json(p) for p in model.parameters()]
            losses, norms, early = [], [], None
            for step in range(25):
                opt.zero_grad()
                loss = F.mse_loss(model(x), y)
                loss.backward()
                if clip is not None:
                    norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), clip)))
                opt.step()
                losses.append(float(loss))
                if step == 4:
                    early = [tensor_json(p) for p in model.parameters()]
            out['trajectories'].append({'early': early, 'config': cfg, 'clip': clip, 'seed': 100 + idx, 'x': tensor_json(x),
                                        'y': tensor_json(y), 'init': init, 'losses': losses, 'norms': norms,
                                        'final': [tensor_json(p) for p in model.parameters()]})
    # Parameter groups with their own options, and a parameter without a gradient.
    torch.manual_seed(3)
    a = nn.Linear(2, 2)
    b = nn.Linear(2, 1)
    frozen = torch.zeros(3, requires_grad=True)
    opt = torch.optim.SGD([{'params': a.parameters()}, {'params': list(b.parameters()) + [frozen], 'lr': 0.2,
                                                         'momentum': 0.5}], lr=0.1)
    x = torch.randn(4, 2)
    for _ in range(5):
        opt.zero_grad()
        b(torch.tanh(a(x))).pow(2).mean().backward()
        opt.step()
    out['groups'] = {'x': tensor_json(x), 'final': [tensor_json(p) for p in list(a.parameters()) + list(b.parameters())],
                     'frozen': tensor_json(frozen)}
    write('sgd.json', out)


# ---------------------------------------------------------------------------------------------
# Printing.
# ---------------------------------------------------------------------------------------------

def format_fixtures():
    cases = []

    def add(name, t):
        cases.append({'name': name, 'tensor': tensor_json(t), 'requiresGrad': t.requires_grad, 'repr': repr(t)})

    add('0-d', torch.tensor(7.4812))
    add('0-d int', torch.tensor(3.0))
    add('ints', torch.tensor([[1., 2.], [3., 4.]]))
    add('fixed', torch.tensor([[1.0, 2.5]]))
    add('negative fixed', torch.tensor([-1.25, 0.5, 3.0]))
    add('sci small', torch.tensor([1e-5, 1.0, 1000.0]))
    add('sci large', torch.tensor([1e9, 1.0]))
    add('int sci', torch.tensor([1.0, 5000.0]))
    add('tie rounding', torch.tensor([0.03125, 0.15625]))
    add('zeros', torch.zeros(2, 3))
    add('negative zero', torch.tensor([-0.0, 1.0]))
    add('nan inf', torch.tensor([float('nan'), float('inf'), -float('inf'), 1.5]))
    add('nan int', torch.tensor([float('nan'), 2.0]))
    add('empty', torch.tensor([]))
    add('empty 2d', torch.zeros(0, 3))
    add('3d', torch.arange(24.).view(2, 3, 4) / 7)
    add('wide', torch.arange(30.) / 3)
    add('summarised', torch.arange(2000.).view(40, 50))
    add('summarised 1d', torch.arange(1500.) * 0.5)
    add('requires grad', torch.tensor([1.0, 2.0], requires_grad=True))
    torch.manual_seed(0)
    add('randn', torch.randn(4, 5))
    add('tiny and huge', torch.tensor([1e-10, 1e10]))
    write('format.json', {'cases': cases})

# ---------------------------------------------------------------------------------------------
# Graph programs: small scripts of tensor method calls (in-place ops among them), run in PyTorch
# and in torchlet. Each step is [destination or None, method, [receiver, *arguments]]; a string
# argument names a variable. Leaves require grad, except those named k... (constants). After the
# steps, root.sum().backward() runs; the fixture holds every variable's final value and every
# leaf's gradient, or the error PyTorch raised.
# ---------------------------------------------------------------------------------------------

GRAPHS = [
    ('in-place on an input after its use (add saves nothing)', {'x': [1.0, 2.0]},
     [['y', 'mul', ['x', 2]], ['z', 'add', ['y', 1]], [None, 'mul_', ['y', 5]]], 'z'),
    ('in-place after use, both versions used', {'x': [1.0, -2.0, 0.5]},
     [['y', 'mul', ['x', 2]], ['a', 'add', ['y', 1]], [None, 'mul_', ['y', 3]],
      ['b', 'add', ['y', 'a']]], 'b'),
    ('sum before and after an in-place multiply', {'x': [1.0, 2.0]},
     [['y', 'mul', ['x', 2]], ['s1', 'sum', ['y']], [None, 'mul_', ['y', 3]],
      ['s2', 'sum', ['y']], ['t', 'add', ['s1', 's2']]], 't'),
    ('exp saves its output: modifying the input afterwards is fine', {'x': [0.5, -1.0]},
     [['y', 'mul', ['x', 2]], ['z', 'exp', ['y']], [None, 'add_', ['y', 1]]], 'z'),
    ('chain of in-place ops, then a product', {'x': [1.5, -0.5], 'w': [2.0, 3.0]},
     [['y', 'mul', ['x', 'w']], [None, 'add_', ['y', 1]], [None, 'mul_', ['y', 'w']],
      [None, 'sub_', ['y', 'x']], ['z', 'mul', ['y', 'y']]], 'z'),
    ('in-place with a tensor operand that requires grad', {'x': [1.0, 2.0], 'w': [3.0, -1.0]},
     [['y', 'mul', ['x', 1]], [None, 'mul_', ['y', 'w']], [None, 'div_', ['y', 'w']],
      [None, 'pow_', ['y', 2]]], 'y'),
    ('old value used by a later op through a clone', {'x': [1.0, 2.0, 3.0]},
     [['y', 'mul', ['x', 2]], ['c', 'clone', ['y']], [None, 'add_', ['y', 'c']],
      [None, 'mul_', ['c', 10]], ['z', 'add', ['y', 'c']]], 'z'),
    ('broadcast operand in place', {'x': [[1.0, 2.0], [3.0, 4.0]], 'b': [0.5, -1.0]},
     [['y', 'mul', ['x', 1]], [None, 'add_', ['y', 'b']], [None, 'mul_', ['y', 'b']]], 'y'),
    ('a saved input modified in place is an error', {'x': [1.0, 2.0]},
     [['y', 'mul', ['x', 2]], ['z', 'mul', ['y', 'y']], [None, 'add_', ['y', 1]]], 'z'),
    ('a saved output modified in place is an error', {'x': [1.0, 2.0]},
     [['y', 'exp', ['x']], [None, 'mul_', ['y', 2]]], 'y'),
    # In-place writes through views (CopySlices): the base's history takes the write.
    ('in-place multiply of a row', {'x': [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]},
     [['y', 'mul', ['x', 1]], ['v', 'select', ['y', 0, 1]], [None, 'mul_', ['v', 3]]], 'y'),
    ('in-place add of a grad operand into a column', {'x': [[1.0, 2.0], [3.0, 4.0]], 'w': [5.0, 7.0]},
     [['y', 'mul', ['x', 2]], ['v', 'select', ['y', 1, 0]], [None, 'add_', ['v', 'w']],
      ['z', 'mul', ['y', 'y']]], 'z'),
    ('the view is used after the write', {'x': [1.0, 2.0, 3.0, 4.0]},
     [['y', 'exp', ['x']], ['v', 'narrow', ['y', 0, 1, 2]], [None, 'mul_', ['v', 2]],
      ['z', 'mul', ['v', 'v']]], 'z'),
    ('base and view both used after the write', {'x': [1.0, 2.0, 3.0, 4.0]},
     [['y', 'mul', ['x', 'x']], ['v', 'narrow', ['y', 0, 0, 2]], [None, 'sub_', ['v', 1]],
      ['a', 'mul', ['v', 3]], ['b', 'sum', ['y']], ['c', 'add', ['a', 'b']]], 'c'),
    ('fill_ through a transposed view', {'x': [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]},
     [['y', 'mul', ['x', 3]], ['v', 't', ['y']], ['r', 'select', ['v', 0, 2]], [None, 'fill_', ['r', 0.5]],
      ['z', 'mul', ['y', 'x']]], 'z'),
    ('copy_ a grad tensor into a view of a view', {'x': [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], 'w': [9.0, 8.0]},
     [['y', 'add', ['x', 1]], ['v', 'narrow', ['y', 0, 1, 2]], ['r', 'select', ['v', 1, 1]],
      [None, 'copy_', ['r', 'w']], ['z', 'mul', ['y', 2]]], 'z'),
    ('a view taken before the write sees it', {'x': [1.0, 2.0, 3.0]},
     [['y', 'mul', ['x', 1]], ['a', 'narrow', ['y', 0, 0, 2]], ['v', 'narrow', ['y', 0, 1, 2]],
      [None, 'mul_', ['v', 5]], ['z', 'mul', ['a', 'a']]], 'z'),
    ('two writes through different views', {'x': [1.0, 2.0, 3.0, 4.0], 'w': [0.5, 0.25]},
     [['y', 'tanh', ['x']], ['v', 'narrow', ['y', 0, 0, 2]], [None, 'mul_', ['v', 'w']],
      ['u', 'narrow', ['y', 0, 1, 3]], [None, 'add_', ['u', 1]], ['z', 'pow', ['y', 2]]], 'z'),
    ('in-place through a reshaped view', {'x': [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]},
     [['y', 'mul', ['x', 1]], ['v', 'view', ['y', 2, 3]], ['r', 'select', ['v', 1, 2]],
      [None, 'mul_', ['r', 10]], ['z', 'mul', ['y', 'x']]], 'z'),
    ('a view of a leaf is refused', {'x': [1.0, 2.0]},
     [['v', 'narrow', ['x', 0, 0, 1]], [None, 'mul_', ['v', 2]]], 'x'),
    ('an expanded tensor cannot be written in place', {'x': [1.0, 2.0]},
     [['y', 'mul', ['x', 1]], ['e', 'expand', ['y', 3, 2]], [None, 'add_', ['e', 1]]], 'y'),
    ('the view is used after the write (nothing saved)', {'x': [1.0, 2.0, 3.0, 4.0]},
     [['y', 'mul', ['x', 3]], ['v', 'narrow', ['y', 0, 1, 2]], [None, 'add_', ['v', 1]],
      ['z', 'mul', ['v', 'v']]], 'z'),
    ('two writes through overlapping views', {'x': [1.0, 2.0, 3.0, 4.0], 'w': [0.5, 0.25]},
     [['y', 'mul', ['x', 2]], ['v', 'narrow', ['y', 0, 0, 2]], [None, 'mul_', ['v', 'w']],
      ['u', 'narrow', ['y', 0, 1, 2]], [None, 'mul_', ['u', 'w']], ['z', 'pow', ['y', 2]]], 'z'),
    ('a constant base gains history from a grad operand', {'k': [0.0, 0.0, 0.0], 'w': [2.0, 3.0]},
     [['v', 'narrow', ['k', 0, 1, 2]], [None, 'add_', ['v', 'w']], ['z', 'mul', ['k', 'k']]], 'z'),
    ('a detached alias takes the op without changing its source', {'x': [1.0, 2.0], 'w': [3.0, 4.0]},
     [['y', 'mul', ['x', 2]], ['d', 'detach', ['y']], [None, 'mul_', ['d', 'w']],
      ['z', 'add', ['y', 'd']]], 'z'),
]


# Second order: backward(create_graph=True), then the leaves' gradients are reset and
# sum over leaves of (grad * grad).sum() is differentiated again; `grads2` holds that gradient.
DOUBLE_GRAPHS = [
    ('prod of all elements', {'x': [1.5, 2.0, -0.5, 3.0]}, [['y', 'prod', ['x']]], 'y'),
    ('prod over rows with zeros', {'x': [[1.0, 2.0, 0.0, 4.0], [3.0, -1.0, 2.0, 0.5], [0.0, 2.0, 0.0, 3.0]]},
     [['y', 'prod', ['x', 1]], ['z', 'mul', ['y', 'y']]], 'z'),
    ('prod over columns of a product', {'x': [[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]], 'w': [2.0, 3.0]},
     [['y', 'mul', ['x', 'w']], ['p', 'prod', ['y', 0]]], 'p'),
    ('select of a cube', {'x': [1.0, 2.0, 3.0]},
     [['y', 'select', ['x', 0, 1]], ['z', 'pow', ['y', 3]]], 'z'),
    ('strided slice of a product', {'x': [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], 'w': [0.5, -1.0, 2.0]},
     [['y', 'mul', ['x', 'w']], ['z', 'mul', ['y', 'y']], ['v', 'narrow', ['z', 1, 0, 2]],
      ['r', 'select', ['v', 0, 1]]], 'r'),
    ('in-place multiply through a view', {'x': [1.0, 2.0, 3.0], 'w': [2.0, -1.0]},
     [['y', 'mul', ['x', 'x']], ['v', 'narrow', ['y', 0, 0, 2]], [None, 'mul_', ['v', 'w']],
      ['z', 'mul', ['y', 'x']]], 'z'),
    ('copy_ of a grad tensor through a view', {'x': [1.0, 2.0, 3.0], 'w': [4.0, 5.0]},
     [['y', 'pow', ['x', 2]], ['ww', 'pow', ['w', 3]], ['v', 'narrow', ['y', 0, 1, 2]],
      [None, 'copy_', ['v', 'ww']], ['z', 'mul', ['y', 'y']]], 'z'),
]


def run_graph(name, leaves, steps, root, double=False):
    env = {k: torch.tensor(v, requires_grad=not k.startswith('k')) for k, v in leaves.items()}
    case = {'name': name, 'leaves': leaves, 'steps': steps, 'root': root, 'double': double}
    try:
        for dest, method, args in steps:
            values = [env[a] if isinstance(a, str) else a for a in args]
            out = getattr(values[0], method)(*values[1:])
            if dest is not None:
                env[dest] = out
        env[root].sum().backward(create_graph=double)
        case['values'] = {k: tensor_json(v) for k, v in env.items()}
        case['grads'] = {k: tensor_json(env[k].grad) for k in leaves}
        if double:
            firsts = [env[k].grad for k in leaves if env[k].grad is not None]
            for k in leaves:
                env[k].grad = None
            sum((g * g).sum() for g in firsts).backward()
            case['grads2'] = {k: tensor_json(env[k].grad) for k in leaves}
    except RuntimeError as e:
        case['error'] = str(e).split('\n')[0]
    return case


def random_program(rng, index):
    """A random graph program over leaves x, w: [2, 3] and b: [3]: elementwise ops, views, and
    in-place ops on non-leaves, views and (sometimes, to test the refusals) leaves."""
    leaves = {
        'x': [[rng.choice([-1.5, -0.5, 0.25, 1.0, 2.0]) for _ in range(3)] for _ in range(2)],
        'w': [[rng.choice([-2.0, -0.75, 0.5, 1.25, 3.0]) for _ in range(3)] for _ in range(2)],
        'b': [rng.choice([-1.0, 0.5, 1.5]) for _ in range(3)],
    }
    shapes = {'x': (2, 3), 'w': (2, 3), 'b': (3,)}
    steps = []
    last = None

    def fresh(shape):
        name = f'v{len(steps)}'
        shapes[name] = shape
        return name

    def operand_for(shape):
        same = [k for k, sh in shapes.items() if sh == shape]
        if shape == (2, 3):
            same += ['b']
        return rng.choice(same + [rng.choice([0.5, -2.0, 3.0])])

    for _ in range(rng.randint(3, 7)):
        names = list(shapes)
        kind = rng.random()
        if kind < 0.3:
            a = rng.choice(names)
            op = rng.choice(['add', 'sub', 'mul'])
            o = operand_for(shapes[a])
            out_shape = (2, 3) if (shapes[a] == (2, 3) or (isinstance(o, str) and shapes[o] == (2, 3))) else shapes[a]
            dest = fresh(out_shape)
            steps.append([dest, op, [a, o]])
        elif kind < 0.45:
            a = rng.choice(names)
            op = rng.choice(['tanh', 'sigmoid', 'relu', 'abs', 'neg'])
            dest = fresh(shapes[a])
            steps.append([dest, op, [a]])
        elif kind < 0.65:
            a = rng.choice([k for k in names if len(shapes[k]) == 2 or shapes[k][0] >= 3])
            if len(shapes[a]) == 2:
                view = rng.choice(['select', 'narrow', 't'])
                if view == 'select':
                    dest = fresh((3,))
                    steps.append([dest, 'select', [a, 0, rng.randint(0, 1)]])
                elif view == 'narrow':
                    dest = fresh((2, 2))
                    steps.append([dest, 'narrow', [a, 1, rng.randint(0, 1), 2]])
                else:
                    dest = fresh((3, 2))
                    steps.append([dest, 't', [a]])
            else:
                dest = fresh((2,))
                steps.append([dest, 'narrow', [a, 0, rng.randint(0, 1), 2]])
        else:
            made = [k for k in names if k not in ('x', 'w', 'b')]
            a = rng.choice(made if made and rng.random() < 0.9 else names)
            op = rng.choice(['add_', 'sub_', 'mul_', 'div_', 'clamp_', 'fill_', 'copy_', 'relu_'])
            if op in ('add_', 'sub_', 'mul_'):
                o = operand_for(shapes[a])
                if isinstance(o, str) and shapes[o] == (2, 3) and shapes[a] != (2, 3):
                    o = 2.0
                steps.append([None, op, [a, o]])
            elif op == 'div_':
                steps.append([None, op, [a, rng.choice([2.0, -4.0])]])
            elif op == 'clamp_':
                steps.append([None, op, [a, -0.5, 1.0]])
            elif op == 'fill_':
                steps.append([None, op, [a, 0.75]])
            elif op == 'copy_':
                same = [k for k, sh in shapes.items() if sh == shapes[a] and k != a]
                if not same:
                    continue
                steps.append([None, op, [a, rng.choice(same)]])
            else:
                steps.append([None, op, [a]])
            continue
        last = steps[-1][0]
    root = last or 'x'
    return (f'random program {index}', leaves, steps, root)


def graph_fixtures():
    cases = [run_graph(*g) for g in GRAPHS] + [run_graph(*g, double=True) for g in DOUBLE_GRAPHS]
    # Random programs (seeded, so the file is reproducible) to cover combinations not listed above:
    # 120 that PyTorch runs and 30 that it refuses.
    rng = random.Random(2024)
    ok, refused, i = 0, 0, 0
    while ok < 120 or refused < 30:
        case = run_graph(*random_program(rng, i))
        i += 1
        if 'error' in case and refused < 30:
            refused += 1
            cases.append(case)
        elif 'error' not in case and ok < 120:
            ok += 1
            cases.append(case)
    write('graphs.json', {'cases': cases})


if __name__ == '__main__':
    torch.set_num_threads(1)
    ops_fixtures()
    random_fixtures()
    clip_fixtures()
    sgd_fixtures()
    format_fixtures()
    graph_fixtures()
    print(f'PyTorch {torch.__version__}', file=sys.stderr)
