#!/usr/bin/python3
"""Record, with real PyTorch, every module's calls: where each is called and with what shapes.

    /usr/bin/python3 scripts/record-module-calls.py > test/fixtures/editor/module-calls.json

For each file below, each class with a `# input: (...)` comment right above it is built with no
arguments and run once on random tensors of that shape. A forward hook on every module of
`named_modules()` records each call: the line of the nearest frame in the model's own file (for an
entry of a Sequential, the line calling the Sequential), the tensor inputs and the tensor outputs
(tuples flattened). Output is deterministic: running it twice changes nothing.
"""
import ast
import json
import os
import re
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = [
    'examples/mnist_basic.py',
    'examples/mnist_cnn.py',
    'test/fixtures/shapes/resnet18.py',
    'test/fixtures/shapes/modulelist_loops.py',
    'test/fixtures/shapes/transformer_encoder.py',
    'test/fixtures/shapes/vit_tiny.py',
]
INPUT_RE = re.compile(r'^\s*#\s*input:\s*(.+?)\s*$')


def shapes_in(text):
    return [[int(d) for d in g.split(',') if d.strip()] for g in re.findall(r'\(([^()]*)\)', text)]


def tensors(v):
    if isinstance(v, torch.Tensor):
        return [v]
    if isinstance(v, (tuple, list)):
        return [t for x in v for t in tensors(x)]
    return []


def record(path):
    full = os.path.join(ROOT, path)
    source = open(full).read()
    lines = source.split('\n')
    namespace = {'__name__': 'recorded'}
    exec(compile(source, full, 'exec'), namespace)
    out = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        above = lines[node.lineno - 2] if node.lineno >= 2 else ''
        m = INPUT_RE.match(above)
        if not m:
            continue
        torch.manual_seed(0)
        model = namespace[node.name]()
        calls = {}

        def hook_for(name):
            def hook(module, inputs, output):
                frame = sys._getframe(1)
                while frame is not None and frame.f_code.co_filename != full:
                    frame = frame.f_back
                calls.setdefault(name, {'type': type(module).__name__, 'calls': []})['calls'].append({
                    'line': frame.f_lineno if frame is not None else None,
                    'inputs': [list(t.shape) for t in tensors(inputs)],
                    'outputs': [list(t.shape) for t in tensors(output)],
                })
            return hook

        for name, module in model.named_modules():
            calls.setdefault(name, {'type': type(module).__name__, 'calls': []})
            module.register_forward_hook(hook_for(name))
        shapes = shapes_in(m.group(1))
        with torch.no_grad():
            try:
                model(*[torch.randn(*s) for s in shapes])
            except RuntimeError:
                # Token ids (an Embedding first): the float run recorded nothing complete; start again.
                for c in calls.values():
                    c['calls'].clear()
                model(*[torch.randint(0, 10, s) for s in shapes])
        out[node.name] = calls
    return out


json.dump({p: record(p) for p in FILES}, sys.stdout, indent=1, sort_keys=True)
print()
