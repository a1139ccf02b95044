#!/usr/bin/env python3
"""The PyTorch reference of driftprune's training benchmark (see packages/engine/README.md).

The same DLRM as the engine: concatenated embedding table (sum of table sizes x dim) with sparse gradients,
bottom MLP with ReLU on every layer, dot interaction (strictly lower triangle, after the bottom output), top MLP
with ReLU between layers, mean BCE with logits, torch.optim.Adagrad (lr 0.01, eps 1e-10) over everything.

Protocol (so the benchmark can alternate engines A B A B in one invocation): after start-up it prints one JSON
line {"ready": ...}; then for every stdin line "run N" it trains N steps on pre-generated batches and prints
{"steps": N, "seconds": s, "loss": last}. "quit" or EOF ends it.
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn


def blas_in_use():
    """Which BLAS library this process mapped (PyTorch from Debian links whatever libblas.so.3 points to)."""
    try:
        with open('/proc/self/maps') as f:
            maps = f.read()
    except OSError:
        return 'unknown'
    if 'openblas' in maps:
        return 'openblas-openmp' if 'openblas-openmp' in maps else 'openblas'
    if 'libblas.so' in maps:
        return 'reference-blas'
    return 'unknown'


class Dlrm(nn.Module):
    def __init__(self, num_dense, table_sizes, dim, bottom, top):
        super().__init__()
        self.num_fields = len(table_sizes)
        self.dim = dim
        self.emb = nn.Embedding(sum(table_sizes), dim, sparse=True)
        n = sum(table_sizes)
        nn.init.uniform_(self.emb.weight, -(1 / n) ** 0.5, (1 / n) ** 0.5)
        offsets = [0]
        for s in table_sizes[:-1]:
            offsets.append(offsets[-1] + s)
        self.register_buffer('offsets', torch.tensor(offsets, dtype=torch.long))
        self.bottom = self._mlp([num_dense] + bottom, relu_last=True)
        nf = self.num_fields + 1
        self.li = torch.tensor([i for i in range(nf) for j in range(i)], dtype=torch.long)
        self.lj = torch.tensor([j for i in range(nf) for j in range(i)], dtype=torch.long)
        self.top = self._mlp([dim + nf * (nf - 1) // 2] + top, relu_last=False)

    @staticmethod
    def _mlp(widths, relu_last):
        layers = []
        for i in range(len(widths) - 1):
            lin = nn.Linear(widths[i], widths[i + 1])
            nn.init.normal_(lin.weight, 0.0, (2.0 / (widths[i] + widths[i + 1])) ** 0.5)
            nn.init.normal_(lin.bias, 0.0, (1.0 / widths[i + 1]) ** 0.5)
            layers.append(lin)
            if i < len(widths) - 2 or relu_last:
                layers.append(nn.ReLU())
        return nn.Sequential(*layers)

    def forward(self, dense, cat):
        x = self.bottom(dense)
        e = self.emb(cat + self.offsets)  # [B, F, D]
        T = torch.cat([x.unsqueeze(1), e], dim=1)
        Z = torch.bmm(T, T.transpose(1, 2))
        R = torch.cat([x, Z[:, self.li, self.lj]], dim=1)
        return self.top(R).squeeze(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--batch', type=int, default=512)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--tables', type=int, default=26)
    ap.add_argument('--rows', type=int, default=100_000)
    ap.add_argument('--dim', type=int, default=16)
    ap.add_argument('--dense', type=int, default=13)
    ap.add_argument('--bottom', default='512,256,64,16')
    ap.add_argument('--top', default='512,256,1')
    ap.add_argument('--lr', type=float, default=0.01)
    ap.add_argument('--batches', type=int, default=8, help='distinct pre-generated batches, cycled')
    ap.add_argument('--warmup', type=int, default=5)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--device', default='cpu', help="'cpu' or 'cuda' (the GPU benchmark, packages/engine/bench/bench-gpu.ts)")
    a = ap.parse_args()
    dev = torch.device(a.device)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    sizes = [a.rows] * a.tables
    model = Dlrm(a.dense, sizes, a.dim, [int(w) for w in a.bottom.split(',')], [int(w) for w in a.top.split(',')]).to(dev)
    model.li, model.lj = model.li.to(dev), model.lj.to(dev)
    opt = torch.optim.Adagrad(model.parameters(), lr=a.lr, eps=1e-10)
    loss_fn = nn.BCEWithLogitsLoss()
    data = []
    for _ in range(a.batches):
        dense = torch.randn(a.batch, a.dense)
        cat = torch.randint(0, a.rows, (a.batch, a.tables))
        y = (torch.rand(a.batch) < 0.5).float()
        data.append((dense.to(dev), cat.to(dev), y.to(dev)))
    state = {'i': 0, 'loss': float('nan')}

    def steps(n):
        for _ in range(n):
            dense, cat, y = data[state['i'] % len(data)]
            state['i'] += 1
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(dense, cat), y)
            loss.backward()
            opt.step()
        state['loss'] = float(loss.detach())  # on CUDA this waits for the queued steps: timings include them

    steps(a.warmup)
    print(json.dumps({'ready': True, 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas_in_use(), 'batch': a.batch, 'device': str(dev), 'gpu': torch.cuda.get_device_name(dev) if dev.type == 'cuda' else None}), flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == 'quit':
            break
        if cmd[0] == 'run':
            n = int(cmd[1])
            t0 = time.perf_counter()
            steps(n)
            print(json.dumps({'steps': n, 'seconds': time.perf_counter() - t0, 'loss': state['loss']}), flush=True)


if __name__ == '__main__':
    main()
