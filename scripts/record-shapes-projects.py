#!/usr/bin/python3
"""Record what PyTorch 1.13 does with the multi-file fixture projects of test/fixtures/shapes-projects.

    /usr/bin/python3 scripts/record-shapes-projects.py

Each catalogue entry names a project folder, the file holding the model (imported with the project's
folder, and its src/ when it has one, on sys.path, as `python -m` would), the model's class and how it is
built and called. Writes test/fixtures/shapes-projects/truth.json: per model the entries `tensor-lens
shapes --json` lists as [name, type, output, params] (a call of a torch.nn class other than the
containers; other classes, the project's and torchvision's, traced through), the output and the
parameter total. Weights are left uninitialised: shapes do not depend on them.
"""
import importlib
import json
import os
import sys
import warnings

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, 'test', 'fixtures', 'shapes-projects')
CONTAINERS = (nn.Sequential, nn.ModuleList, nn.ModuleDict)

CATALOGUE = [
    # project, module (dotted, under the project), class, construct, call
    ('package', 'train', 'TwoHeads', 'TwoHeads()', 'torch.randn(2, 3, 32, 32)'),
    ('package', 'models.nets', 'SmallResNet', 'SmallResNet()', 'torch.randn(2, 3, 32, 32)'),
    ('cycle', 'main', 'Net', 'Net()', 'torch.randn(4, 10)'),
    ('srclayout', 'app.mnist', 'Net', 'Net()', 'torch.randn(64, 1, 28, 28)'),
    ('torchvision-wrap', 'wrappers', 'ResNetHead', 'ResNetHead()', 'torch.randn(2, 3, 64, 64)'),
    ('torchvision-wrap', 'wrappers', 'VGGFeatures', 'VGGFeatures()', 'torch.randn(2, 3, 64, 64)'),
    ('torchvision-wrap', 'wrappers', 'MobileNet', 'MobileNet()', 'torch.randn(2, 3, 64, 64)'),
    ('torchvision-wrap', 'wrappers', 'EfficientNet', 'EfficientNet()', 'torch.randn(2, 3, 64, 64)'),
    ('torchvision-wrap', 'wrappers', 'ViT', 'ViT()', 'torch.randn(2, 3, 224, 224)'),
    ('torchvision-wrap', 'wrappers', 'LegacyEncoder', 'LegacyEncoder()', 'torch.randn(2, 3, 64, 64)'),
]


def shape_of(v):
    if isinstance(v, torch.Tensor):
        return list(v.shape)
    if isinstance(v, (list, tuple)):
        for x in v:
            s = shape_of(x)
            if s is not None:
                return s
    return None


def record(project, module, cls, construct, call):
    folder = os.path.join(HERE, project)
    paths = [folder] + ([os.path.join(folder, 'src')] if os.path.isdir(os.path.join(folder, 'src')) else [])
    saved = list(sys.path)
    sys.path[:0] = paths
    try:
        for name in [m for m in sys.modules if m.split('.')[0] in ('models', 'pkg', 'mylib', 'app', 'train', 'main', 'wrappers')]:
            del sys.modules[name]
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            mod = importlib.import_module(module)
            ns = dict(vars(mod))
            ns['torch'] = torch
            torch.manual_seed(0)
            model = eval(construct, ns)
            x = eval(call, ns)
    finally:
        sys.path[:] = saved
    assert type(model).__name__ == cls
    names = {}
    for n, m in model.named_modules():
        names.setdefault(id(m), n)
    layers = []

    def hook(m, _inp, out):
        layers.append([names[id(m)], type(m).__name__, shape_of(out), sum(p.numel() for p in set(m.parameters()))])

    handles = []
    seen = set()

    def visit(m, root):
        if id(m) in seen:
            return
        seen.add(id(m))
        if not root and type(m) not in CONTAINERS and type(m).__module__.startswith('torch.nn.'):
            handles.append(m.register_forward_hook(hook))
            return
        for ch in m.children():
            visit(ch, False)

    visit(model, True)
    model.train()
    with torch.no_grad():
        out = model(x)
    for h in handles:
        h.remove()
    return {
        'project': project,
        'file': module.replace('.', '/') + '.py',
        'class': cls,
        'input': list(x.shape),
        'output': shape_of(out),
        'params': sum(p.numel() for p in set(model.parameters())),
        'layers': layers,
    }


def main():
    torch.set_num_threads(1)
    models = []
    for entry in CATALOGUE:
        r = record(*entry)
        print(f"{r['project']}/{r['class']}: {len(r['layers'])} entries, {r['params']:,} params", flush=True)
        models.append(r)
    import torchvision
    data = {
        'about': 'Recorded by scripts/record-shapes-projects.py with real PyTorch.',
        'torch': torch.__version__.split('+')[0],
        'torchvision': torchvision.__version__.split('+')[0],
        'models': models,
    }
    with open(os.path.join(HERE, 'truth.json'), 'w') as f:
        f.write(json.dumps(data, indent=1) + '\n')


if __name__ == '__main__':
    main()
