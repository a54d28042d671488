"""PyTorch on the workloads of bench/workloads.mjs; prints one JSON object of median milliseconds.

Run by bench/run.mjs with the first python3 on the PATH that can import torch, once with the
system's BLAS and, when OpenBLAS is installed, once more with LD_LIBRARY_PATH pointing at it.
Options: --only=<text> times only the workloads whose name contains <text>; --threads=<n> sets
torch.set_num_threads (default 1: every other peer of the benchmark runs on one thread).
The output also says which BLAS library the process loaded and how many threads it used.
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CLIP_SHAPES = [(1024, 1024)] * 8 + [(1024,)] * 8 + [(512, 512)] * 8 + [(1000,)] * 10
ONLY = None  # --only=<text>: time only the workloads whose name contains it
WARMUP_BUDGET_S, TIMING_BUDGET_S, MIN_RUNS = 2.0, 8.0, 3


def timed(out, name, fn, warmup=3, runs=15):
    """Stores in out[name] the median of `runs` timed calls after `warmup` untimed ones (ms)."""
    if ONLY is not None and ONLY not in name:
        return
    if OPS_TIMING:
        warmup, runs = max(warmup, 10), max(runs, 20)
    # The same early stops as time() in bench/workloads.mjs for calls of seconds.
    warmup_start = time.perf_counter()
    for _ in range(warmup):
        fn()
        if time.perf_counter() - warmup_start > WARMUP_BUDGET_S:
            break
    samples = []
    start = time.perf_counter()
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
        if len(samples) >= MIN_RUNS and time.perf_counter() - start > TIMING_BUDGET_S:
            break
    out[name] = statistics.median(samples)


def loaded_blas():
    """The BLAS/LAPACK shared libraries mapped into this process (from /proc/self/maps)."""
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if len(line.split()) >= 6}
    except OSError:
        return []
    return sorted(p for p in paths if 'blas' in os.path.basename(p).lower()
                  or 'lapack' in os.path.basename(p).lower())


M = 1 << 20
OPS_TIMING = False  # operator workloads: warmup 10, runs 20 (as bench/workloads.mjs timing)


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
    timed(out, 'add 1M forward', lambda: a + b)
    timed(out, 'mul 1M forward', lambda: a * b)
    a10, b10 = fill(10 * M, 1), fill(10 * M, 2)
    timed(out, 'add 10M forward', lambda: a10 + b10)
    la, lb = a.clone().requires_grad_(), b.clone().requires_grad_()
    timed(out, 'add 1M forward+backward', forward_backward([la, lb], lambda x, y: x + y, [M]))
    timed(out, 'relu 1M forward+backward', forward_backward([la], torch.relu, [M]))
    wa = fill(M, 1, [1024, 1024]).requires_grad_()
    wb = fill(1024, 2).requires_grad_()
    timed(out, 'broadcast add [1024,1024]+[1024] forward+backward',
          forward_backward([wa, wb], lambda x, y: x + y, [1024, 1024]))
    timed(out, 'exp 1M', lambda: a.exp())
    timed(out, 'tanh 1M', lambda: a.tanh())
    x2 = fill(M, 1, [1024, 1024])
    timed(out, 'sum over dim 0 of [1024,1024]', lambda: x2.sum(0))
    timed(out, 'mean over dim 0 of [1024,1024]', lambda: x2.mean(0))
    timed(out, 'amax over dim 1 of [1024,1024]', lambda: x2.amax(1))
    column = fill(1024, 2, [1024, 1])
    timed(out, 'mul [1024,1024] by a [1024,1] column', lambda: x2 * column)
    y2 = fill(M, 2, [1024, 1024])
    timed(out, 'cat two [1024,1024] along dim 1', lambda: torch.cat([x2, y2], 1))
    timed(out, 'transposed copy of [1024,1024]', lambda: x2.t().contiguous())
    p = fill(1000000, 1).requires_grad_()
    p.grad = fill(1000000, 2)
    opt = torch.optim.SGD([p], lr=0.01, momentum=0.9)
    timed(out, 'SGD momentum step, 1e6 parameters', opt.step)


def index_tensor(n, high, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, high, (n,), generator=g)


def ops(out):
    """conv2d, maxPool2d, softmax/logSoftmax, gather/scatter/indexSelect (see bench/workloads.mjs)."""
    global OPS_TIMING
    OPS_TIMING = True
    x = fill(M, 1, [1024, 1024])
    g = fill(M, 99, [1024, 1024])
    xl = x.clone().requires_grad_()
    timed(out, 'softmax [1024,1024] forward', lambda: torch.softmax(x, 1))
    timed(out, 'logSoftmax [1024,1024] forward', lambda: torch.log_softmax(x, 1))
    timed(out, 'softmax [1024,1024] forward+backward',
          forward_backward([xl], lambda a: torch.softmax(a, 1), [1024, 1024]))
    timed(out, 'logSoftmax [1024,1024] forward+backward',
          forward_backward([xl], lambda a: torch.log_softmax(a, 1), [1024, 1024]))
    timed(out, 'softmax [1024,1024] over dim 0 forward', lambda: torch.softmax(x, 0))
    ci = fill(32 * 16 * 32 * 32, 11).reshape(32, 16, 32, 32)
    cw = fill(32 * 16 * 9, 12).reshape(32, 16, 3, 3)
    cb = fill(32, 13)
    timed(out, 'conv2d [32,16,32,32] 3×3×32 forward', lambda: F.conv2d(ci, cw, cb, padding=1))
    cil, cwl, cbl = (t.clone().requires_grad_() for t in (ci, cw, cb))
    cg = fill(32 * 32 * 32 * 32, 14).reshape(32, 32, 32, 32)

    def conv_fb():
        for t in (cil, cwl, cbl):
            t.grad = None
        F.conv2d(cil, cwl, cbl, padding=1).backward(cg)
    timed(out, 'conv2d [32,16,32,32] 3×3×32 forward+backward', conv_fb)
    timed(out, 'maxPool2d [32,16,32,32] 2×2 forward', lambda: F.max_pool2d(ci, 2))
    pg = fill(32 * 16 * 16 * 16, 15).reshape(32, 16, 16, 16)

    def pool_fb():
        cil.grad = None
        F.max_pool2d(cil, 2).backward(pg)
    timed(out, 'maxPool2d [32,16,32,32] 2×2 forward+backward', pool_fb)
    idx = index_tensor(M, 1024, 5).reshape(1024, 1024)
    rows = index_tensor(512, 1024, 6)
    src = fill(M, 2, [1024, 1024])
    timed(out, 'gather [1024,1024] along dim 1', lambda: torch.gather(x, 1, idx))
    timed(out, 'scatterAdd [1024,1024] along dim 1',
          lambda: torch.zeros(1024, 1024).scatter_add_(1, idx, src))
    timed(out, 'indexSelect 512 rows of [1024,1024]', lambda: torch.index_select(x, 0, rows))

    def index_fb():
        xl.grad = None
        xl[rows].backward(g[:512])
    timed(out, 'x[rows] 512 of [1024,1024] forward+backward', index_fb)
    OPS_TIMING = False


class LanguageModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(1000, 128)
        self.lstm = nn.LSTM(128, 256, 2)
        self.decoder = nn.Linear(256, 1000)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return self.decoder(out.reshape(-1, 256))


def lstm_step(out):
    torch.manual_seed(0)
    model = LanguageModel()
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    tokens = index_tensor(35 * 20, 1000, 21).reshape(35, 20)
    targets = index_tensor(35 * 20, 1000, 22)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(tokens), targets)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        opt.step()
    timed(out, 'LSTM language-model training step', step, 2, 10)


def training(out):
    """clipGradNorm_ / clipGradValue_, matmul n², and the training steps of bench/workloads.mjs."""
    params = []
    for s in CLIP_SHAPES:
        p = torch.zeros(s)
        p.grad = (torch.rand(s) - 0.5) * 0.2
        params.append(p)
    timed(out, 'clipGradNorm_ (norm 2)', lambda: nn.utils.clip_grad_norm_(params, 1.0))
    timed(out, 'clipGradNorm_ (norm inf)', lambda: nn.utils.clip_grad_norm_(params, 1.0, float('inf')))
    timed(out, 'clipGradValue_', lambda: nn.utils.clip_grad_value_(params, 0.01))

    def with_gradients(shapes):
        """Parameters of the given shapes, gradient i filled once with fill(numel, i + 1)."""
        ps = [torch.zeros(s) for s in shapes]
        for i, p in enumerate(ps):
            p.grad = fill(p.numel(), i + 1, p.shape)
        return ps
    one_big = with_gradients([(100000,)])
    timed(out, 'clipGradNorm_ over one 1e5 gradient', lambda: nn.utils.clip_grad_norm_(one_big, 1.0))
    many_small = with_gradients([(1000,)] * 2000)
    timed(out, 'clipGradNorm_ over 2 000 gradients of 1 000',
          lambda: nn.utils.clip_grad_norm_(many_small, 1.0))
    for n in [64, 128, 256, 512, 1024]:
        a, b = torch.rand(n, n), torch.rand(n, n)
        timed(out, f'matmul {n}²', lambda: a @ b, *((1, 5) if n >= 1024 else (3, 15)))

    def step_fn(model, x, y, lr, momentum=0):
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)

        def step():
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        return step

    mlp = nn.Sequential(nn.Linear(16, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 50))
    timed(out, 'MLP training step', step_fn(mlp, torch.rand(32, 16), torch.rand(32, 50), 0.01), 20, 200)
    mlp784 = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    timed(out, 'MLP 784→256→10 training step',
          step_fn(mlp784, fill(128 * 784, 40, [128, 784]), fill(128 * 10, 41, [128, 10]), 0.01, 0.9), 5, 30)
    lin = nn.Linear(1024, 1024)
    timed(out, 'Linear(1024, 1024) training step', step_fn(lin, torch.rand(64, 1024), torch.rand(64, 1024), 0.01))


def main():
    global ONLY
    ONLY = next((a[7:] for a in sys.argv[1:] if a.startswith('--only=')), None)
    threads = int(next((a[10:] for a in sys.argv[1:] if a.startswith('--threads=')), 1))
    default_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    training(out)
    elementwise(out)
    ops(out)
    lstm_step(out)
    out['_version'] = torch.__version__
    out['_threads'] = torch.get_num_threads()
    out['_default_threads'] = default_threads
    out['_blas'] = loaded_blas()
    out['_openblas_threads'] = os.environ.get('OPENBLAS_NUM_THREADS')
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
