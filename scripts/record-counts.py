#!/usr/bin/python3
"""Record what real PyTorch counts for the shape corpus's count fixtures: parameters and multiply-adds.

    /usr/bin/python3 scripts/record-counts.py            # every fixture named in COUNTED below
    /usr/bin/python3 scripts/record-counts.py vgg.py     # only some

For each fixture it writes test/fixtures/shapes/counts/<file>.json: per model
`sum(p.numel() for p in model.parameters())` and the multiply-adds of one forward pass at the
model's input. torch 1.13 has no FlopCounterMode, so the multiply-adds are counted here the way it
counts them: a TorchDispatchMode sees every aten operation the forward runs, after torch's own
decompositions (nn.Linear reaches addmm, matmul reaches mm or bmm, attention reaches bmm/baddbmm),
and counts the matrix products and convolutions:
  mm/addmm (m×k)·(k×n): m·k·n        bmm/baddbmm (b×m×k)·(b×k×n): b·m·k·n
  mv/addmv (m×k)·k: m·k              dot: k
  convolution: output elements · in_channels/groups · kernel elements
  transposed convolution: input elements · out_channels/groups · kernel elements
The forward runs with autograd on, so MultiheadAttention and TransformerEncoderLayer take their
ordinary path, not the fused inference kernel the counter could not see into.
Models, inputs and integer inputs are found exactly as scripts/record-shapes.py finds them.
"""
import importlib.util
import json
import math
import os
import sys

import torch
from torch.utils._python_dispatch import TorchDispatchMode

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, 'test', 'fixtures', 'shapes')
OUT = os.path.join(FIXTURES, 'counts')

# The fixtures whose counts the tests check.
COUNTED = [
    'tied_weights.py',
    'attention_counts.py',
    'mnist_net.py',
    'grouped_depthwise.py',
    'transformer_encoder.py',
    'vit_tiny.py',
]

spec = importlib.util.spec_from_file_location('record_shapes', os.path.join(ROOT, 'scripts', 'record-shapes.py'))
shapes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(shapes)

aten = torch.ops.aten


def numel(shape):
    return math.prod(shape)


def macs_of(func, args):
    if func in (aten.mm.default,):
        a, b = args[0], args[1]
        return a.shape[0] * a.shape[1] * b.shape[1]
    if func in (aten.addmm.default,):
        a, b = args[1], args[2]
        return a.shape[0] * a.shape[1] * b.shape[1]
    if func in (aten.bmm.default,):
        a, b = args[0], args[1]
        return a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2]
    if func in (aten.baddbmm.default,):
        a, b = args[1], args[2]
        return a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2]
    if func in (aten.mv.default,):
        return args[0].shape[0] * args[0].shape[1]
    if func in (aten.addmv.default,):
        return args[1].shape[0] * args[1].shape[1]
    if func in (aten.dot.default,):
        return args[0].shape[0]
    if func in (aten.convolution.default,):
        x, w = args[0], args[1]
        transposed = args[6]
        kernel = numel(w.shape[2:])
        if transposed:
            return numel(x.shape) * w.shape[1] * kernel
        return None  # needs the output: counted in __torch_dispatch__
    return 0


class MacCounter(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.macs = 0
        self.ops = {}

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        n = macs_of(func, args)
        if n is None:  # a convolution: output elements · (in_channels / groups) · kernel
            w = args[1]
            n = numel(out.shape) * w.shape[1] * numel(w.shape[2:])
        if n:
            self.macs += n
            name = str(func.overloadpacket.__name__)
            self.ops[name] = self.ops.get(name, 0) + n
        return out


def count_fixture(path):
    shapes.install_stubs()
    torch.manual_seed(0)
    rel = os.path.relpath(path, ROOT)
    result = {'file': rel, 'models': []}
    for name, _line, kind, dims, _source in shapes.find_models(path):
        if any(isinstance(d, str) for s in dims for d in s):
            continue  # a symbolic input has no one count
        rec = shapes.Recorder(path)
        ns = shapes.load(path, rec)
        obj = ns[name]
        if kind == 'module':
            with rec:
                obj = obj()
        obj.eval()
        integer = shapes.integer_inputs(obj, dims)
        inputs = [shapes.make_input(s, i in integer, integer.get(i, 0)) for i, s in enumerate(dims)]
        counter = MacCounter()
        with counter:
            obj(*inputs)
        result['models'].append({
            'name': name,
            'params': sum(p.numel() for p in obj.parameters()),
            'macs': counter.macs,
            'macsByOp': dict(sorted(counter.ops.items())),
        })
    return result


def main(argv):
    names = argv or COUNTED
    os.makedirs(OUT, exist_ok=True)
    for n in names:
        data = count_fixture(os.path.join(FIXTURES, n))
        target = os.path.join(OUT, n[:-3] + '.json')
        with open(target, 'w') as fh:
            fh.write(json.dumps(data, indent=2) + '\n')
        print(f'{n}: ' + ', '.join(f"{m['name']} {m['macs']}" for m in data['models']))


if __name__ == '__main__':
    main(sys.argv[1:])
