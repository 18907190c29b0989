#!/usr/bin/python3
"""PyTorch's own numbers for the tfjs layer translation (test/unit/training/layers.test.ts).

Each case is a small model written as a user would write it. PyTorch (Debian's python3-torch 1.13) builds
it with a fixed seed, norm layers get non-trivial affine parameters and running statistics, and we
record: the state_dict, an input, the eval-mode output, and the gradient of sum(output * r) for a fixed
random r with respect to every parameter and the (float) input. The test runs the same source through the shape engine, the
translator and the tfjs builder, loads the state_dict, and compares.

    /usr/bin/python3 scripts/training-fixtures.py   # writes test/fixtures/training/torch-layers.json

With --data it writes small data sets in torchvision's download layouts instead
(test/fixtures/training/data/, read by test/unit/training/data.test.ts): CIFAR-10 as Python 2 pickles (the
way the real cifar-10-batches-py files were written: byte strings as SHORT_BINSTRING/BINSTRING, numpy
arrays through numpy.core.multiarray._reconstruct), CIFAR-100 as Python 3 writes protocol 2 (byte strings
through _codecs.encode), cifar-10-batches-bin, and an ImageFolder of PNGs and JPEGs with what torchvision + PIL read from
them. Pixel (i, c, y, x) of image i is
(13·i + 71·c + 7·y + 3·x + 11·label) mod 256, so a test can check the CHW layout from the formula.

    /usr/bin/python3 scripts/training-fixtures.py --data

With --recurrent: nn.RNN / LSTM / GRU cases (test/fixtures/training/torch-recurrent.json); with
--batchnorm: BatchNorm in training mode (test/fixtures/training/torch-batchnorm-train.json); with
--attention: MultiheadAttention and TransformerEncoderLayer (test/fixtures/training/torch-attention.json);
with --graph: forwards that are graphs (residual adds, skip concatenations, tensor operations between
layers, a module called twice, cells in loops, attention, encoder stacks, 3-D convolution) in
test/fixtures/training/torch-graph.json; with --graph-train: graphs with BatchNorm trained for a few SGD
steps, then evaluated (test/fixtures/training/torch-graph-train.json); with --layout: graphs whose
values are held channels-last between layers and turned to PyTorch's order only where an op needs it
(test/fixtures/training/torch-layout.json, test/unit/training/layout.test.ts); with --init: the
statistics of PyTorch's default initialisation of the training test models (test/fixtures/training/models/)
over several seeds, per state_dict entry (test/fixtures/training/torch-init.json, test/unit/training/init.test.ts).
"""
import json
import os
import pickle
import struct
import sys

import numpy as np

import torch
import torch.nn as nn
import torch.nn.functional as F

HEADER = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n"

CASES = [
    ("Conv1dNet", [2, 3, 20], "float", """
# input: (2, 3, 20)
class Conv1dNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(3, 8, 5, stride=2, padding=2)
        self.c2 = nn.Conv1d(8, 8, 3, padding='same', dilation=2, groups=4)
        self.bn = nn.BatchNorm1d(8)
        self.pool = nn.MaxPool1d(3, stride=2, padding=1, ceil_mode=True)
        self.avg = nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False)
        self.fc = nn.Linear(24, 5)

    def forward(self, x):
        x = F.relu(self.c1(x))
        x = self.bn(self.c2(x))
        x = self.avg(self.pool(x))
        x = torch.flatten(x, 1)
        return self.fc(x)
"""),
    ("Conv2dVariants", [2, 4, 11, 10], "float", """
# input: (2, 4, 11, 10)
class Conv2dVariants(nn.Module):
    def __init__(self):
        super().__init__()
        self.dil = nn.Conv2d(4, 8, 3, padding=2, dilation=2)
        self.dw = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8, bias=False)
        self.grp = nn.Conv2d(8, 6, (3, 1), padding=(1, 0), groups=2)
        self.same = nn.Conv2d(6, 4, 3, padding='same', dilation=(1, 2))
        self.dwm = nn.Conv2d(4, 8, 2, groups=4)

    def forward(self, x):
        x = torch.tanh(self.dil(x))
        x = self.dw(x)
        x = F.relu(self.grp(x))
        x = self.same(x)
        return self.dwm(x)
"""),
    ("TransposeNet", [2, 4, 2, 3], "float", """
# input: (2, 4, 2, 3)
class TransposeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.t1 = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1)
        self.t2 = nn.ConvTranspose2d(6, 4, 4, stride=2, padding=1, groups=2)
        self.t3 = nn.ConvTranspose2d(4, 2, 3, dilation=2, bias=False)
        self.t4 = nn.ConvTranspose2d(2, 3, (2, 3), stride=(2, 1), output_padding=(1, 0))

    def forward(self, x):
        x = F.relu(self.t1(x))
        x = self.t2(x)
        x = self.t3(x)
        return self.t4(x)
"""),
    ("Transpose1dNet", [2, 3, 7], "float", """
# input: (2, 3, 7)
class Transpose1dNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.t1 = nn.ConvTranspose1d(3, 4, 4, stride=2, padding=1)
        self.t2 = nn.ConvTranspose1d(4, 4, 3, stride=2, output_padding=1, groups=4, dilation=2)

    def forward(self, x):
        return self.t2(F.elu(self.t1(x)))
"""),
    ("SeqNorms", [2, 6], "tokens", """
# input: (2, 6)
class SeqNorms(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 8, padding_idx=0)
        self.ln = nn.LayerNorm(8)
        self.fc = nn.Linear(8, 5)
        self.ln2 = nn.LayerNorm([6, 5], eps=1e-3)
        self.out = nn.Linear(30, 3)

    def forward(self, x):
        x = self.ln(self.emb(x))
        x = self.ln2(F.gelu(self.fc(x)))
        x = x.view(x.size(0), -1)
        return F.log_softmax(self.out(x), dim=1)
"""),
    ("GroupNormNet", [2, 3, 7, 6], "float", """
# input: (2, 3, 7, 6)
class GroupNormNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.gn = nn.GroupNorm(4, 8)
        self.gn2 = nn.GroupNorm(8, 8, affine=False, eps=1e-3)
        self.conv2 = nn.Conv2d(8, 4, 1)
        self.sm = nn.Softmax2d()
        self.lsm = nn.LogSoftmax(dim=2)

    def forward(self, x):
        x = F.relu(self.gn(self.conv(x)))
        x = self.conv2(self.gn2(x))
        return self.lsm(self.sm(x))
"""),
    ("Resamplers", [2, 3, 5, 4], "float", """
# input: (2, 3, 5, 4)
class Resamplers(nn.Module):
    def __init__(self):
        super().__init__()
        self.up1 = nn.Upsample(scale_factor=2, mode='nearest')
        self.up2 = nn.Upsample(size=(13, 11), mode='bilinear', align_corners=False)
        self.up3 = nn.Upsample(scale_factor=1.5, mode='nearest')
        self.up4 = nn.UpsamplingBilinear2d(size=(9, 8))
        self.conv = nn.Conv2d(3, 3, 3)
        self.pool = nn.AdaptiveAvgPool2d((3, 5))

    def forward(self, x):
        x = self.up2(self.up1(x))
        x = self.up3(x)
        x = F.interpolate(x, scale_factor=1.7, mode='bilinear', align_corners=False)
        x = self.conv(self.up4(x))
        x = F.interpolate(x, scale_factor=2.3, mode='bilinear', align_corners=True)
        x = F.interpolate(x, size=(10, 7), mode='area')
        return self.pool(x)
"""),
    ("Resample1d", [2, 3, 9], "float", """
# input: (2, 3, 9)
class Resample1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2.5, mode='linear')
        self.conv = nn.Conv1d(3, 4, 3)
        self.gp = nn.AdaptiveAvgPool1d(1)

    def forward(self, x):
        x = self.conv(self.up(x))
        x = F.interpolate(x, size=31, mode='nearest')
        return self.gp(x)
"""),
    ("Pools2d", [2, 3, 11, 9], "float", """
# input: (2, 3, 11, 9)
class Pools2d(nn.Module):
    def __init__(self):
        super().__init__()
        self.a1 = nn.AvgPool2d(3, stride=2, padding=1)
        self.a2 = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        self.m1 = nn.MaxPool2d((3, 2), stride=(2, 1), padding=(1, 0), ceil_mode=True)
        self.a3 = nn.AvgPool2d(2, stride=1, divisor_override=3)
        self.gmp = nn.AdaptiveMaxPool2d(1)

    def forward(self, x):
        x = self.a1(torch.sigmoid(x))
        x = self.a2(x)
        x = self.m1(x)
        x = self.a3(x)
        return self.gmp(x)
"""),
    ("RowEncoder", [2, 7, 12], "float", """
# input: (2, 7, 12)
class RowEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.TransformerEncoderLayer(12, 3, dim_feedforward=20, batch_first=True)
        self.enc2 = nn.TransformerEncoderLayer(12, 2, dim_feedforward=16, activation='gelu', norm_first=True)
        self.fc = nn.Linear(84, 5)

    def forward(self, x):
        x = self.enc2(self.enc(x))
        return self.fc(x.flatten(1))
"""),
]


# Forwards that are graphs, not chains (--graph): residual adds, skip concatenations, a module called
# twice, and the tensor operations between layers (test/unit/training/graph.test.ts).
GRAPH_CASES = [
    ("BasicBlockNet", [2, 3, 8, 8], "float", """
class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        return F.relu(out)


# input: (2, 3, 8, 8)
class BasicBlockNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 3, padding=1)
        self.layer1 = BasicBlock(4, 4, 1)
        self.layer2 = BasicBlock(4, 8, 2)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = self.layer2(self.layer1(self.stem(x)))
        x = F.adaptive_avg_pool2d(x, 1)
        return self.fc(x.view(x.size(0), -1))
"""),
    ("TinyUNet", [2, 1, 8, 8], "float", """
# input: (2, 1, 8, 8)
class TinyUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU())
        self.enc2 = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1), nn.ReLU())
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ConvTranspose2d(8, 4, 2, stride=2)
        self.dec = nn.Conv2d(8, 4, 3, padding=1)
        self.head = nn.Conv2d(4, 3, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool(e1))
        d = torch.cat([self.up(e2), e1], dim=1)
        d = F.relu(self.dec(d))
        return self.head(d).mean(dim=(2, 3))
"""),
    ("OpsMix", [2, 6, 8], "float", """
# input: (2, 6, 8)
class OpsMix(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(8, 8)
        self.k = nn.Linear(8, 8)
        self.v = nn.Linear(8, 8)
        self.fc = nn.Linear(12, 3)

    def forward(self, x):
        b = x.size(0)
        q = self.q(x).view(b, 6, 2, 4).transpose(1, 2)
        k = self.k(x).view(b, 6, 2, 4).permute(0, 2, 3, 1)
        v = self.v(x).reshape(b, 6, 2, 4).transpose(1, 2)
        att = torch.softmax(q @ k / 2.0, dim=-1)
        h = torch.matmul(att, v).transpose(1, 2).contiguous().view(b, 6, 8)
        a, c = h.chunk(2, dim=-1)
        parts = h.split(3, dim=2)
        z = torch.cat([a * c - 1, -parts[0][:, :, :1], 2 - parts[2][..., 0:2]], dim=-1)
        s = z.sum(dim=1) + z.mean(1)
        t = torch.stack([s, s.sigmoid()], dim=1).flatten(1)
        u = t[:, 2:].unsqueeze(1).squeeze(1)
        return self.fc(torch.relu(u)) + x[:, 0, :3] * 0.5
"""),
    ("SharedTwice", [3, 10], "float", """
# input: (3, 10)
class SharedTwice(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(10, 6)
        self.mid = nn.Linear(6, 6)
        self.out = nn.Linear(6, 4)

    def forward(self, x):
        h = torch.tanh(self.inp(x))
        h = h + torch.tanh(self.mid(h))
        h = h + torch.tanh(self.mid(h))
        return self.out(h)
"""),
    ("RowLSTM", [2, 1, 6, 5], "float", """
# input: (2, 1, 6, 5)
class RowLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(input_size=5, hidden_size=4, batch_first=True)
        self.batchnorm = nn.BatchNorm1d(4)
        self.fc = nn.Linear(4, 3)

    def forward(self, input):
        input = input.reshape(-1, 6, 5)
        output, hidden = self.rnn(input)
        output = output[:, -1, :]
        output = self.batchnorm(output)
        return F.log_softmax(self.fc(F.relu(output)), dim=1)
"""),
    ("GRUStates", [2, 4, 3], "float", """
# input: (2, 4, 3)
class GRUStates(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 5, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(20, 2)

    def forward(self, x):
        out, h = self.gru(x)
        return self.fc(torch.cat([h[-1], h[-2], out[-1]], dim=1))
"""),    ("LSTMCellLoop", [2, 5, 3], "float", """
# input: (2, 5, 3)
class LSTMCellLoop(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(3, 4)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        h = torch.zeros(x.size(0), 4)
        c = torch.zeros(x.size(0), 4)
        for t in range(x.size(1)):
            h, c = self.cell(x[:, t], (h, c))
        return self.fc(h + c)
"""),
    ("GRUCellLoop", [3, 4, 3], "float", """
# input: (3, 4, 3)
class GRUCellLoop(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.GRUCell(3, 5)
        self.cell2 = nn.RNNCell(5, 4, nonlinearity='relu', bias=False)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        h = self.cell(x[:, 0])
        g = self.cell2(h)
        outs = [g]
        for t in range(1, 4):
            h = self.cell(x[:, t], h)
            g = self.cell2(h, g)
            outs.append(g)
        return self.fc(torch.stack(outs, 1).mean(1))
"""),
    ("AttentionDirect", [2, 5, 8], "float", """
# input: (2, 5, 8)
class AttentionDirect(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.cross = nn.MultiheadAttention(8, 4, bias=False)
        self.kv = nn.Linear(8, 8)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        y, w = self.attn(x, x, x)
        q = y.transpose(0, 1)
        kv = self.kv(x).transpose(0, 1)[:3]
        z, _ = self.cross(q, kv, kv, need_weights=False)
        return self.fc(z.mean(0)) + w.sum(-1)[:, :3]
"""),
    ("EncoderStack", [2, 6, 8], "float", """
# input: (2, 6, 8)
class EncoderStack(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(8))
        pre = nn.TransformerEncoderLayer(8, 4, dim_feedforward=12, dropout=0.0, activation='gelu', norm_first=True)
        self.enc2 = nn.TransformerEncoder(pre, 3)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        h = self.enc(x).transpose(0, 1)
        return self.fc(self.enc2(h).mean(0))
"""),
    ("Conv3dNet", [2, 2, 6, 7, 5], "float", """
# input: (2, 2, 6, 7, 5)
class Conv3dNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv3d(2, 4, 3, padding=1)
        self.p1 = nn.MaxPool3d(2, padding=1, ceil_mode=True)
        self.c2 = nn.Conv3d(4, 3, (1, 3, 2), stride=(1, 2, 1), padding=(0, 1, 1), bias=False)
        self.bn = nn.BatchNorm3d(3)
        self.p2 = nn.AvgPool3d(2, stride=1, padding=1, count_include_pad=False)
        self.p3 = nn.AvgPool3d((2, 1, 2), ceil_mode=True, divisor_override=3)
        self.fc = nn.Linear(3, 2)

    def forward(self, x):
        x = self.p1(F.relu(self.c1(x)))
        x = self.p3(self.p2(self.bn(self.c2(x))))
        x = F.max_pool3d(x, 2, ceil_mode=True)
        return self.fc(F.adaptive_avg_pool3d(x, 1).flatten(1))
"""),
]


# Graphs that hold values channels-last (--layout): ops on channels (chunk, cat, softmax, a mean kept as
# [B, C, 1, 1] and broadcast back), reductions that leave a 1-D signal for a Conv1d, and the ops that need
# PyTorch's order (indexing, permute, flatten, view), mixed with values already in it.
LAYOUT_CASES = [
    ("LayoutMix", [2, 3, 8, 8], "float", """
# input: (2, 3, 8, 8)
class LayoutMix(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.se = nn.Conv2d(8, 8, 1)
        self.conv2 = nn.Conv2d(4, 6, 3, stride=2, padding=1)
        self.conv1d = nn.Conv1d(6, 4, 3, padding=1)
        self.fc = nn.Linear(24 + 96 + 8, 5)

    def forward(self, x):
        h = F.relu(self.bn(self.conv(x)))
        w = torch.sigmoid(self.se(h.mean((2, 3), keepdim=True)))
        h = h * w + 0.5 * h
        a, b = h.chunk(2, dim=1)
        g = torch.softmax(self.conv2(a - b), dim=1)
        r = self.conv1d(g.sum(dim=2))
        r = torch.cat([r, g[:, :2].mean(2)], dim=1)
        p = g.permute(0, 2, 3, 1).flatten(1)
        s = h.sum((1, 2)).view(x.size(0), -1)
        return self.fc(torch.cat([r.flatten(1), p, s], dim=1))
"""),
    ("DenseCat", [2, 1, 6, 6], "float", """
# input: (2, 1, 6, 6)
class DenseCat(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 3, 3, padding=1)
        self.c2 = nn.Conv2d(4, 3, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(7 * 9, 4)

    def forward(self, x):
        y = torch.cat([x, F.relu(self.c1(x))], 1)
        y = torch.cat([y, torch.tanh(self.c2(y))], dim=-3)
        y = self.pool(y) - y.mean(dim=1, keepdim=True)[:, :, ::2, ::2]
        return self.fc(y.view(y.size(0), -1))
"""),
]


def write_layout_fixtures():
    """Like main(), for LAYOUT_CASES, into test/fixtures/training/torch-layout.json."""
    global CASES
    CASES = LAYOUT_CASES
    main("torch-layout.json")

INIT_MODELS = [
    ("resnet_cifar.py", "ResNet"),
    ("resnet_mnist.py", "ResNet"),
    ("mnist_rnn.py", "Net"),
    ("unet.py", "UNet"),
    ("encoder_classifier.py", "RowEncoder"),
]
INIT_SEEDS = 8


def write_init_fixtures():
    """Mean, standard deviation and largest magnitude of every state_dict entry of each model as PyTorch
    initialises it, pooled over INIT_SEEDS seeds: what our initialisation must match in distribution."""
    models = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "training", "models")
    out = []
    for file, name in INIT_MODELS:
        with open(os.path.join(models, file)) as f:
            source = f.read()
        ns = {}
        exec(compile(source, file, "exec"), ns)
        pooled = {}
        for seed in range(INIT_SEEDS):
            torch.manual_seed(seed)
            for k, v in ns[name]().state_dict().items():
                if not k.endswith("num_batches_tracked"):
                    pooled.setdefault(k, []).append(v.detach().double().flatten())
        stats = {}
        for k, vs in pooled.items():
            v = torch.cat(vs)
            stats[k] = {"n": v.numel(), "mean": v.mean().item(), "std": v.std(unbiased=False).item(),
                        "absmax": v.abs().max().item()}
        out.append({"file": file, "name": name, "seeds": INIT_SEEDS, "stats": stats})
    dest = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "training", "torch-init.json")
    with open(dest, "w") as f:
        json.dump({"torch": torch.__version__, "models": out}, f, indent=1)
        f.write("\n")
    print(f"wrote the init statistics of {len(out)} models to {os.path.normpath(dest)}")

def write_graph_fixtures():
    """Like main(), for GRAPH_CASES, into test/fixtures/training/torch-graph.json."""
    global CASES
    CASES = GRAPH_CASES
    main("torch-graph.json")


def tensor_json(t):
    t = t.detach().to(torch.float32)
    return {"shape": list(t.shape), "data": [float(f"{v:.9g}") for v in t.flatten().tolist()]}


def main(file="torch-layers.json"):
    out = []
    for i, (name, shape, kind, body) in enumerate(CASES):
        source = HEADER + body.lstrip("\n")
        ns = {}
        exec(compile(source, name + ".py", "exec"), ns)
        torch.manual_seed(100 + i)
        model = ns[name]()
        with torch.no_grad():
            # Non-trivial affine parameters and running statistics, so their placement is checked.
            for m in model.modules():
                if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
                    m.running_mean.uniform_(-0.5, 0.5)
                    m.running_var.uniform_(0.5, 2.0)
                if isinstance(m, nn.MultiheadAttention) and m.in_proj_bias is not None:
                    m.in_proj_bias.uniform_(-0.5, 0.5)  # zero by default: give the test something to place
                if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.GroupNorm, nn.LayerNorm)) and m.weight is not None:
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.5, 0.5)
        model.eval()
        if kind == "tokens":
            x = torch.randint(0, 20, shape)
            x[0, :2] = 0  # the padding index appears
        else:
            x = torch.randn(*shape).requires_grad_()
        y = model(x)
        r = torch.randn_like(y)
        (y * r).sum().backward()
        state = {k: tensor_json(v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
        grads = {k: tensor_json(p.grad) for k, p in model.named_parameters() if p.grad is not None}
        if x.grad is not None:
            grads["input"] = tensor_json(x.grad)
        out.append({
            "name": name, "source": source, "input": tensor_json(x.float()), "output": tensor_json(y),
            "r": tensor_json(r), "state": state, "grads": grads,
        })
    dest = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "training", file)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(out)} cases to {os.path.normpath(dest)}")


def cifar_images(first, count, labels):
    i = np.arange(first, first + count).reshape(-1, 1, 1, 1)
    c = np.arange(3).reshape(1, 3, 1, 1)
    y = np.arange(32).reshape(1, 1, 32, 1)
    x = np.arange(32).reshape(1, 1, 1, 32)
    lab = np.asarray(labels).reshape(-1, 1, 1, 1)
    return ((13 * i + 71 * c + 7 * y + 3 * x + 11 * lab) % 256).astype(np.uint8).reshape(count, 3072)


class Py2Pickler(pickle._Pickler):
    """Writes bytes as Python 2 wrote str (what cPickle.dump(d, f, 2) gave for the CIFAR files), and
    numpy's array rebuild function under the module name it had then."""
    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        n = len(obj)
        if n < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([n]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<I", n) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str

    def save_global(self, obj, name=None):
        if getattr(obj, "__name__", None) == "_reconstruct":
            self.write(pickle.GLOBAL + b"numpy.core.multiarray\n_reconstruct\n")
            self.memoize(obj)
            return
        super().save_global(obj, name)


def write_data_fixtures():
    root = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "training", "data")
    names10 = [b"airplane", b"automobile", b"bird", b"cat", b"deer", b"dog", b"frog", b"horse", b"ship", b"truck"]
    expected = {}

    # CIFAR-10, python pickles: five training batches of 2 images, a test batch of 4.
    d10 = os.path.join(root, "cifar-10-batches-py")
    bin10 = os.path.join(root, "cifar-10-batches-bin")
    os.makedirs(d10, exist_ok=True)
    os.makedirs(bin10, exist_ok=True)
    first = 0
    train_labels = []
    batches = [("data_batch_%d" % k, 2) for k in range(1, 6)] + [("test_batch", 4)]
    for fname, n in batches:
        labels = [(first + j) * 3 % 10 for j in range(n)]
        data = cifar_images(first, n, labels)
        d = {b"batch_label": b"fixture " + fname.encode(), b"labels": labels, b"data": data,
             b"filenames": [b"img_%d.png" % (first + j) for j in range(n)]}
        with open(os.path.join(d10, fname), "wb") as f:
            Py2Pickler(f, 2).dump(d)
        with open(os.path.join(bin10, fname + ".bin"), "wb") as f:
            for j in range(n):
                f.write(bytes([labels[j]]) + data[j].tobytes())
        if fname != "test_batch":
            train_labels += labels
        else:
            expected["cifar10"] = {"trainLabels": train_labels, "testLabels": labels, "trainFirst": 0, "testFirst": first}
        first += n
    with open(os.path.join(d10, "batches.meta"), "wb") as f:
        Py2Pickler(f, 2).dump({b"num_cases_per_batch": 2, b"label_names": names10, b"num_vis": 3072})
    with open(os.path.join(bin10, "batches.meta.txt"), "w") as f:
        f.write("\n".join(n.decode() for n in names10) + "\n\n")

    # CIFAR-100 as Python 3 re-saves it at protocol 2: str keys and names, the array's bytes through
    # _codecs.encode.
    d100 = os.path.join(root, "cifar-100-python")
    os.makedirs(d100, exist_ok=True)
    fine = ["class_%02d" % k for k in range(100)]
    split_first = {"train": 100, "test": 108}
    for fname, n in [("train", 8), ("test", 5)]:
        labels = [(split_first[fname] + j) * 37 % 100 for j in range(n)]
        d = {"filenames": ["f%d.png" % j for j in range(n)], "batch_label": fname,
             "fine_labels": labels, "coarse_labels": [l // 5 for l in labels],
             "data": cifar_images(split_first[fname], n, labels)}
        with open(os.path.join(d100, fname), "wb") as f:
            pickle.dump(d, f, protocol=2)
        expected.setdefault("cifar100", {})[fname + "Labels"] = labels
        expected["cifar100"][fname + "First"] = split_first[fname]
    with open(os.path.join(d100, "meta"), "wb") as f:
        pickle.dump({"fine_label_names": fine, "coarse_label_names": ["c%d" % k for k in range(20)]}, f, protocol=2)

    # What torchvision itself reads from these files: the loaders must agree with it.
    import torchvision
    import torchvision.datasets.cifar as tv_cifar

    # The fixtures are not the published files, so torchvision's md5 checks are skipped; its reading is not.
    tv_cifar.check_integrity = lambda *args, **kwargs: True
    for key, cls in [("cifar10", torchvision.datasets.CIFAR10), ("cifar100", torchvision.datasets.CIFAR100)]:
        for train in (True, False):
            ds = cls(root, train=train, download=False)
            split = "train" if train else "test"
            expected[key][split + "Sums"] = [int(ds.data[j].astype(np.int64).sum()) for j in range(len(ds))]
            assert list(ds.targets) == expected[key][split + "Labels"], (key, split)
        expected[key]["classes"] = list(cls(root, train=False, download=False).classes)
    with open(os.path.join(root, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote CIFAR fixtures to {os.path.normpath(root)}")
    write_image_folder(os.path.join(root, "images"))


def write_image_folder(root):
    """An ImageFolder (train/ and test/, three classes) of PNGs and JPEGs of several sizes and modes, and
    what torchvision makes of each: pil_loader's convert('RGB'), optionally convert('L'), then
    Resize((16, 16)) (PIL's antialiased bilinear)."""
    from PIL import Image
    from torchvision.datasets.folder import ImageFolder

    rng = np.random.default_rng(5)
    specs = [  # (split, class, name, width, height, mode, format)
        ("train", "bird", "a.png", 40, 30, "RGB", "PNG"),
        ("train", "bird", "b.jpg", 36, 36, "RGB", "JPEG"),
        ("train", "cat", "a.png", 20, 24, "RGBA", "PNG"),
        ("train", "cat", "b.jpeg", 64, 48, "RGB", "JPEG"),
        ("train", "dog", "a.png", 10, 12, "L", "PNG"),
        ("train", "dog", "b.png", 16, 16, "RGB", "PNG"),
        ("test", "bird", "c.png", 33, 17, "RGB", "PNG"),
        ("test", "cat", "c.jpg", 25, 31, "L", "JPEG"),
        ("test", "dog", "c.png", 8, 8, "P", "PNG"),
    ]
    for split, cls, name, w, h, mode, fmt in specs:
        yy, xx = np.mgrid[0:h, 0:w]
        planes = [(127 + 120 * np.sin(xx / (2 + k) + yy / (3 + 2 * k) + k)) for k in range(4)]
        arr = np.stack(planes, -1) + rng.normal(0, 8, (h, w, 4))
        arr = np.clip(arr, 0, 255).astype(np.uint8)
        img = Image.fromarray(arr, "RGBA")
        if mode == "RGB":
            img = img.convert("RGB")
        elif mode == "L":
            img = img.convert("L")
        elif mode == "P":
            img = img.convert("RGB").convert("P", palette=Image.ADAPTIVE, colors=16)
        os.makedirs(os.path.join(root, split, cls), exist_ok=True)
        img.save(os.path.join(root, split, cls, name), fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    truth = {}
    for split in ("train", "test"):
        ds = ImageFolder(os.path.join(root, split))
        rows = []
        for path, label in ds.samples:
            rgb = ds.loader(path)
            rows.append({
                "file": os.path.relpath(path, root), "label": label,
                "rgb16": np.asarray(rgb.resize((16, 16), Image.BILINEAR)).transpose(2, 0, 1).flatten().tolist(),
                "grey16": np.asarray(rgb.convert("L").resize((16, 16), Image.BILINEAR)).flatten().tolist(),
                "grey": np.asarray(rgb.convert("L")).flatten().tolist() if rgb.size[0] * rgb.size[1] <= 400 else None,
            })
        truth[split] = {"classes": ds.classes, "samples": rows}
    with open(os.path.join(root, "..", "expected-images.json"), "w") as f:
        json.dump(truth, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote an image folder to {os.path.normpath(root)}")


RECURRENT = [  # (name, module kwargs, input shape, with initial states)
    ("lstm_2layer_bi_batchfirst", dict(mode="LSTM", input_size=5, hidden_size=4, num_layers=2, batch_first=True, bidirectional=True), [2, 3, 5], False),
    ("lstm_h0c0", dict(mode="LSTM", input_size=3, hidden_size=6, num_layers=1, batch_first=True), [2, 4, 3], True),
    ("gru_2layer_bi_timefirst", dict(mode="GRU", input_size=5, hidden_size=4, num_layers=2, bidirectional=True), [3, 2, 5], False),
    ("gru_h0", dict(mode="GRU", input_size=4, hidden_size=3, num_layers=2, batch_first=True), [2, 5, 4], True),
    ("rnn_relu_nobias", dict(mode="RNN", nonlinearity="relu", input_size=5, hidden_size=4, bias=False, batch_first=True), [2, 3, 5], False),
    ("rnn_tanh_3layer_bi", dict(mode="RNN", input_size=2, hidden_size=3, num_layers=3, bidirectional=True, batch_first=True), [1, 4, 2], False),
]


def write_recurrent_fixtures():
    """PyTorch's RNN / LSTM / GRU outputs and gradients (test/unit/training/recurrent.test.ts): for each case
    the state_dict, input (and initial states), the tuple the module returns, and the gradients of
    sum(output·r) + sum(h_n·rh) (+ sum(c_n·rc)) for every parameter, the input and the initial states."""
    out = []
    for i, (name, kw, shape, with_state) in enumerate(RECURRENT):
        kw = dict(kw)
        mode = kw.pop("mode")
        torch.manual_seed(300 + i)
        m = getattr(nn, mode)(**kw)
        x = torch.randn(*shape).requires_grad_()
        dirs = 2 if kw.get("bidirectional") else 1
        batch = shape[0] if kw.get("batch_first") else shape[1]
        state_shape = [kw.get("num_layers", 1) * dirs, batch, kw["hidden_size"]]
        h0 = torch.randn(*state_shape).requires_grad_() if with_state else None
        c0 = torch.randn(*state_shape).requires_grad_() if with_state and mode == "LSTM" else None
        if mode == "LSTM":
            y, (h, c) = m(x, (h0, c0)) if with_state else m(x)
        else:
            y, h = m(x, h0) if with_state else m(x)
            c = None
        r, rh = torch.randn_like(y), torch.randn_like(h)
        loss = (y * r).sum() + (h * rh).sum()
        rc = torch.randn_like(c) if c is not None else None
        if c is not None:
            loss = loss + (c * rc).sum()
        loss.backward()
        case = {
            "name": name, "mode": {"LSTM": "lstm", "GRU": "gru"}.get(mode, "rnn_" + kw.get("nonlinearity", "tanh")),
            "inputSize": kw["input_size"], "hiddenSize": kw["hidden_size"], "numLayers": kw.get("num_layers", 1),
            "bias": kw.get("bias", True), "batchFirst": kw.get("batch_first", False), "bidirectional": kw.get("bidirectional", False),
            "input": tensor_json(x), "output": tensor_json(y), "h": tensor_json(h), "r": tensor_json(r), "rh": tensor_json(rh),
            "state": {k: tensor_json(v) for k, v in m.state_dict().items()},
            "grads": {k: tensor_json(p.grad) for k, p in m.named_parameters()},
        }
        case["grads"]["input"] = tensor_json(x.grad)
        if c is not None:
            case["c"], case["rc"] = tensor_json(c), tensor_json(rc)
        if with_state:
            case["h0"] = tensor_json(h0)
            case["grads"]["h0"] = tensor_json(h0.grad)
            if c0 is not None:
                case["c0"] = tensor_json(c0)
                case["grads"]["c0"] = tensor_json(c0.grad)
        out.append(case)
    dest = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "training", "torch-recurrent.json")
    with open(dest, "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(out)} recurrent cases to {os.path.normpath(dest)}")


BATCHNORM_TRAIN = [
    ("BN2dNet", [4, 3, 5, 6], """
# input: (4, 3, 5, 6)
class BN2dNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 5, 3)
        self.bn = nn.BatchNorm2d(5, momentum=0.3)
        self.bn2 = nn.BatchNorm2d(5, affine=False, eps=1e-3)
        self.fc = nn.Linear(5 * 3 * 4, 4)

    def forward(self, x):
        x = self.bn2(F.relu(self.bn(self.conv(x))))
        return self.fc(torch.flatten(x, 1))
"""),
    ("BN1dNet", [6, 7], """
# input: (6, 7)
class BN1dNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(7, 8)
        self.bn = nn.BatchNorm1d(8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(torch.tanh(self.bn(self.fc1(x))))
"""),
    ("BN1dSeq", [3, 4, 9], """
# input: (3, 4, 9)
class BN1dSeq(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm1d(4, momentum=0.5)
        self.conv = nn.Conv1d(4, 2, 3)

    def forward(self, x):
        return self.conv(self.bn(x))
"""),
]


def write_batchnorm_fixtures():
    """BatchNorm in training mode (test/unit/training/batchnorm.test.ts): from a state_dict with set running
    statistics, two train-mode forward passes on two batches; recorded are the second pass's output and
    the gradients of sum(output·r) through it (batch statistics, biased variance), the running statistics
    after both passes (momentum, unbiased variance), and an eval-mode output on a third batch that uses them."""
    out = []
    for i, (name, shape, body) in enumerate(BATCHNORM_TRAIN):
        source = HEADER + body.lstrip("\n")
        ns = {}
        exec(compile(source, name + ".py", "exec"), ns)
        torch.manual_seed(500 + i)
        model = ns[name]()
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                    m.running_mean.uniform_(-0.5, 0.5)
                    m.running_var.uniform_(0.5, 2.0)
                    if m.affine:
                        m.weight.uniform_(0.5, 1.5)
                        m.bias.uniform_(-0.5, 0.5)
        state0 = {k: tensor_json(v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
        x1, x2, x3 = (torch.randn(*shape) * 2 + 0.5 for _ in range(3))
        model.train()
        model(x1)
        y = model(x2)
        r = torch.randn_like(y)
        (y * r).sum().backward()
        running = {k: tensor_json(v) for k, v in model.state_dict().items() if "running" in k}
        model.eval()
        with torch.no_grad():
            y3 = model(x3)
        out.append({
            "name": name, "source": source, "state": state0, "x1": tensor_json(x1), "x2": tensor_json(x2), "x3": tensor_json(x3),
            "output": tensor_json(y), "r": tensor_json(r), "running": running, "evalOutput": tensor_json(y3),
            "grads": {k: tensor_json(p.grad) for k, p in model.named_parameters()},
        })
    dest = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "training", "torch-batchnorm-train.json")
    with open(dest, "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(out)} batch-norm cases to {os.path.normpath(dest)}")


# Graphs with BatchNorm trained for a few SGD steps (--graph-train): train-mode batch statistics,
# running statistics updated at every step, then an eval-mode forward that uses them
# (test/unit/training/graph-train-steps.test.ts).
GRAPH_TRAIN = [
    ("BNResidual", [4, 3, 6, 6], 5, """
# input: (4, 3, 6, 6)
class BNResidual(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(4, momentum=0.3)
        self.short = nn.Conv2d(3, 4, 1, bias=False)
        self.fc = nn.Linear(4 * 9, 8)
        self.bn3 = nn.BatchNorm1d(8)
        self.out = nn.Linear(8, 5)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = F.relu(self.bn2(self.conv2(h)) + self.short(x))
        h = F.max_pool2d(h, 2).flatten(1)
        return self.out(torch.tanh(self.bn3(self.fc(h))))
"""),
    ("BN3dNet", [3, 2, 4, 5, 4], 3, """
# input: (3, 2, 4, 5, 4)
class BN3dNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv3d(2, 3, 3, padding=1)
        self.bn = nn.BatchNorm3d(3, momentum=0.2)
        self.fc = nn.Linear(3, 3)

    def forward(self, x):
        h = F.relu(self.bn(self.conv(x)))
        return self.fc(h.mean(dim=(2, 3, 4)))
"""),
]


def write_graph_train_fixtures(steps=3, lr=0.1):
    """For each GRAPH_TRAIN case: the initial state_dict (with set running statistics), `steps` batches
    with labels, the cross-entropy loss PyTorch reports at each SGD step (train mode), the state_dict
    after the last step (parameters and running statistics), and an eval-mode output on another batch."""
    out = []
    for i, (name, shape, classes, body) in enumerate(GRAPH_TRAIN):
        source = HEADER + body.lstrip("\n")
        ns = {}
        exec(compile(source, name + ".py", "exec"), ns)
        torch.manual_seed(900 + i)
        model = ns[name]()
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
                    m.running_mean.uniform_(-0.5, 0.5)
                    m.running_var.uniform_(0.5, 2.0)
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.5, 0.5)
        state0 = {k: tensor_json(v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        batches, losses = [], []
        model.train()
        for _ in range(steps):
            x = torch.randn(*shape) * 1.5 + 0.3
            y = torch.randint(0, classes, (shape[0],))
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            batches.append({"x": tensor_json(x), "labels": y.tolist()})
            losses.append(loss.item())
        state = {k: tensor_json(v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
        model.eval()
        xe = torch.randn(*shape)
        with torch.no_grad():
            ye = model(xe)
        out.append({
            "name": name, "source": source, "classes": classes, "lr": lr, "state": state0, "batches": batches,
            "losses": losses, "after": state, "evalInput": tensor_json(xe), "evalOutput": tensor_json(ye),
        })
    dest = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "training", "torch-graph-train.json")
    with open(dest, "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(out)} graph training cases to {os.path.normpath(dest)}")


ATTENTION = [  # (name, class, kwargs, input shape)
    ("mha_batchfirst", "MultiheadAttention", dict(embed_dim=8, num_heads=2, batch_first=True), [2, 5, 8]),
    ("mha_timefirst_nobias", "MultiheadAttention", dict(embed_dim=6, num_heads=3, bias=False), [4, 2, 6]),
    ("encoder_postnorm_relu", "TransformerEncoderLayer", dict(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0, batch_first=True), [2, 5, 8]),
    ("encoder_prenorm_gelu", "TransformerEncoderLayer", dict(d_model=6, nhead=3, dim_feedforward=10, dropout=0.0, activation="gelu", norm_first=True, layer_norm_eps=1e-4), [4, 2, 6]),
]


def write_attention_fixtures():
    """nn.MultiheadAttention (self-attention, no masks) and nn.TransformerEncoderLayer in eval mode
    (test/unit/training/attention.test.ts): state_dict, input, outputs (and the head-averaged attention
    weights), and the gradients of sum(output·r) (+ sum(weights·rw)) for every parameter and the input."""
    out = []
    for i, (name, cls, kw, shape) in enumerate(ATTENTION):
        torch.manual_seed(700 + i)
        m = getattr(nn, cls)(**kw)
        with torch.no_grad():
            for k, p in m.named_parameters():
                if "bias" in k or "norm" in k:
                    p.uniform_(-0.5, 0.5) if "bias" in k else p.uniform_(0.5, 1.5)
        m.eval()
        x = torch.randn(*shape).requires_grad_()
        case = {"name": name, "kind": cls, "kwargs": kw, "input": tensor_json(x)}
        if cls == "MultiheadAttention":
            y, w = m(x, x, x)
            r, rw = torch.randn_like(y), torch.randn_like(w)
            ((y * r).sum() + (w * rw).sum()).backward()
            case.update({"weights": tensor_json(w), "rw": tensor_json(rw)})
        else:
            y = m(x)
            r = torch.randn_like(y)
            (y * r).sum().backward()
        case.update({
            "output": tensor_json(y), "r": tensor_json(r),
            "state": {k: tensor_json(v) for k, v in m.state_dict().items()},
            "grads": {**{k: tensor_json(p.grad) for k, p in m.named_parameters()}, "input": tensor_json(x.grad)},
        })
        out.append(case)
    dest = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "training", "torch-attention.json")
    with open(dest, "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(out)} attention cases to {os.path.normpath(dest)}")


if __name__ == "__main__":
    if "--init" in sys.argv[1:]:
        write_init_fixtures()
        sys.exit(0)
    if "--layout" in sys.argv[1:]:
        write_layout_fixtures()
        sys.exit(0)
    if "--graph" in sys.argv[1:]:
        write_graph_fixtures()
        sys.exit(0)
    if "--graph-train" in sys.argv[1:]:
        write_graph_train_fixtures()
        sys.exit(0)
    if "--attention" in sys.argv[1:]:
        write_attention_fixtures()
        sys.exit(0)
    if "--batchnorm" in sys.argv[1:]:
        write_batchnorm_fixtures()
        sys.exit(0)
    if "--data" in sys.argv[1:]:
        write_data_fixtures()
    elif "--recurrent" in sys.argv[1:]:
        write_recurrent_fixtures()
    else:
        main()
