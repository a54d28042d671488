"""PyTorch on the workloads of bench/workloads.mjs; prints one JSON object of median milliseconds.

Run by bench/run.mjs with the first python3 on the PATH that can import torch.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CLIP_SHAPES = [(1024, 1024)] * 8 + [(1024,)] * 8 + [(512, 512)] * 8 + [(1000,)] * 10


def timed(fn, warmup=3, runs=15):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


M = 1 << 20


def fill(n, seed, shape=None):
    g = torch.Generator().manual_seed(seed)
    t = (torch.rand(n, generator=g) - 0.5) * 0.2
    return t.reshape(shape) if shape else t


def forward_backward(inputs, f, shape):
    g = fill(shape[0] * (shape[1] if len(shape) > 1 else 1), 99, shape)

    def run():
        for x in inputs:
            x.grad = None
        f(*inputs).backward(g)
    return run


def elementwise(out):
    a, b = fill(M, 1), fill(M, 2)
    out['add 1M forward'] = timed(lambda: a + b)
    out['mul 1M forward'] = timed(lambda: a * b)
    a10, b10 = fill(10 * M, 1), fill(10 * M, 2)
    out['add 10M forward'] = timed(lambda: a10 + b10)
    la, lb = a.clone().requires_grad_(), b.clone().requires_grad_()
    out['add 1M forward+backward'] = timed(forward_backward([la, lb], lambda x, y: x + y, [M]))
    out['relu 1M forward+backward'] = timed(forward_backward([la], torch.relu, [M]))
    wa = fill(M, 1, [1024, 1024]).requires_grad_()
    wb = fill(1024, 2).requires_grad_()
    out['broadcast add [1024,1024]+[1024] forward+backward'] = timed(
        forward_backward([wa, wb], lambda x, y: x + y, [1024, 1024]))
    out['exp 1M'] = timed(lambda: a.exp())
    out['tanh 1M'] = timed(lambda: a.tanh())
    x2 = fill(M, 1, [1024, 1024])
    out['sum over dim 0 of [1024,1024]'] = timed(lambda: x2.sum(0))
    p = fill(1000000, 1).requires_grad_()
    p.grad = fill(1000000, 2)
    opt = torch.optim.SGD([p], lr=0.01, momentum=0.9)
    out['SGD momentum step, 1e6 parameters'] = timed(opt.step)


def main():
    torch.manual_seed(0)
    out = {}
    params = []
    for s in CLIP_SHAPES:
        p = torch.zeros(s)
        p.grad = (torch.rand(s) - 0.5) * 0.2
        params.append(p)
    out['clipGradNorm_ (norm 2)'] = timed(lambda: nn.utils.clip_grad_norm_(params, 1.0))
    out['clipGradNorm_ (norm inf)'] = timed(lambda: nn.utils.clip_grad_norm_(params, 1.0, float('inf')))
    out['clipGradValue_'] = timed(lambda: nn.utils.clip_grad_value_(params, 0.01))
    for n in [64, 128, 256, 512, 1024]:
        a, b = torch.rand(n, n), torch.rand(n, n)
        out[f'matmul {n}²'] = timed(lambda: a @ b, *((1, 5) if n >= 1024 else (3, 15)))

    def step_fn(model, x, y, lr):
        opt = torch.optim.SGD(model.parameters(), lr=lr)

        def step():
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        return step

    mlp = nn.Sequential(nn.Linear(16, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 50))
    out['MLP training step'] = timed(step_fn(mlp, torch.rand(32, 16), torch.rand(32, 50), 0.01), 20, 200)
    lin = nn.Linear(1024, 1024)
    out['Linear(1024, 1024) training step'] = timed(step_fn(lin, torch.rand(64, 1024), torch.rand(64, 1024), 0.01))
    elementwise(out)
    out['_version'] = torch.__version__
    out['_threads'] = torch.get_num_threads()
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
