#!/usr/bin/python3
"""PyTorch baseline for bench/training.bench.ts: trains the same MLP and CNN as Tensor Lens on the same
gzip IDX files (media/mnist, the embedded 8,000 / 2,000 split), with the same batch size, optimiser
(Adam, lr 1e-3), normalisation and epochs, and prints one JSON object with accuracy and samples/s.

Run with Debian's interpreter, which has python3-torch: /usr/bin/python3 scripts/torch_mnist.py
"""
import argparse
import gzip
import json
import os
import platform
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('>I', data[:4])[0]
    ndims = magic & 0xff
    dims = struct.unpack('>' + 'I' * ndims, data[4:4 + 4 * ndims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndims).reshape(dims)


def load(media, prefix):
    def pick(kind, idx):
        for name in (f'{prefix}-{kind}-{idx}-ubyte.gz', f'{prefix}-{kind}-{idx}-ubyte'):
            p = os.path.join(media, name)
            if os.path.exists(p):
                return p
        raise SystemExit(f'{media}: no {prefix}-{kind}-{idx}-ubyte(.gz); run npm run build')
    x = read_idx(pick('images', 'idx3')).astype(np.float32)
    y = read_idx(pick('labels', 'idx1')).astype(np.int64)
    x = (x / 255.0 - 0.1307) / 0.3081
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))


def evaluate(model, x, y):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), 500):
            out = model(x[i:i + 500])
            loss += F.cross_entropy(out, y[i:i + 500], reduction='sum').item()
            correct += (out.argmax(1) == y[i:i + 500]).sum().item()
    return loss / len(x), correct / len(x)


def train(name, xtr, ytr, xte, yte, epochs, batch, seed):
    torch.manual_seed(seed)
    model = mlp() if name == 'mlp' else cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(seed)
    train_time, cpu_time, seen, epochs_out = 0.0, 0.0, 0, []
    for epoch in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        t0 = time.perf_counter()
        c0 = time.process_time()
        loss_sum, correct = 0.0, 0
        for i in range(0, len(xtr), batch):
            idx = perm[i:i + batch]
            xb, yb = xtr[idx], ytr[idx]
            opt.zero_grad()
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += (out.argmax(1) == yb).sum().item()
            seen += len(idx)
        dt = time.perf_counter() - t0
        train_time += dt
        # CPU seconds of all threads: a load-independent view of the same work on a shared machine.
        cpu_time += time.process_time() - c0
        test_loss, test_acc = evaluate(model, xte, yte)
        epochs_out.append({'epoch': epoch, 'trainLoss': loss_sum / len(xtr), 'trainAcc': correct / len(xtr),
                           'testLoss': test_loss, 'testAcc': test_acc, 'seconds': dt, 'samplesPerSec': len(xtr) / dt})
    return {'model': name, 'params': sum(p.numel() for p in model.parameters()),
            'finalTestAcc': epochs_out[-1]['testAcc'], 'finalTestLoss': epochs_out[-1]['testLoss'],
            'samplesPerSec': seen / train_time, 'seconds': train_time, 'cpuSeconds': cpu_time,
            'samplesPerCpuSec': seen / cpu_time, 'epochs': epochs_out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--media', default='media/mnist')
    ap.add_argument('--models', default='mlp,cnn')
    ap.add_argument('--epochs', type=int, default=3)
    ap.add_argument('--batch-size', type=int, default=64)
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--threads', type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    # Debian's torch starts with one thread here; use every core, as the brief for the bench asks.
    torch.set_num_threads(args.threads)
    xtr, ytr = load(args.media, 'train')
    xte, yte = load(args.media, 't10k')
    results = [train(m, xtr, ytr, xte, yte, args.epochs, args.batch_size, args.seed) for m in args.models.split(',')]
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'python': platform.python_version(),
                      'trainSize': len(xtr), 'testSize': len(xte), 'models': results}))


if __name__ == '__main__':
    main()
