#!/usr/bin/python3
"""Record what real PyTorch 1.13 does with each fixture of the shapes-soundness suite.

    /usr/bin/python3 test/adversarial/shapes-soundness/record.py

For every model named in cases.json it builds the model as the file does (a class with its defaults,
a factory function called with no arguments, a module-level nn.Sequential), runs it on the case's input
(a block: inside the named parent, its input taken by a forward hook) and writes truth.json: input,
output shape and sum(p.numel() for p in model.parameters()), or the exception construction raises and
the fixture line it raises from. Deterministic: running it twice changes nothing.
"""
import importlib.util
import json
import os
import sys
import traceback
import warnings

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
warnings.filterwarnings('ignore')


def load(name):
    spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(HERE, name))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build(mod, name):
    obj = getattr(mod, name)
    return obj if isinstance(obj, nn.Module) else obj()


def params(m):
    return sum(p.numel() for p in m.parameters())


def raised_line(fixture):
    """The last traceback line inside the fixture: where the model's own code raised."""
    path = os.path.join(HERE, fixture)
    lines = [f.lineno for f in traceback.extract_tb(sys.exc_info()[2]) if os.path.abspath(f.filename) == path]
    return lines[-1] if lines else None


def main():
    cases = json.load(open(os.path.join(HERE, 'cases.json')))
    truth = {}
    torch.manual_seed(0)
    for fixture, case in sorted(cases.items()):
        mod = load(fixture)
        out = {}
        for name, want in case['models'].items():
            shapes = want.get('input') or case.get('option')
            try:
                model = build(mod, want.get('parent', name))
            except Exception as e:  # what PyTorch raises while building is the expected fact
                out[name] = {'raises': type(e).__name__, 'line': raised_line(fixture)}
                continue
            seen = {}
            target = model
            if 'parent' in want:
                target = next(m for m in model.modules() if type(m).__name__ == name)
                # A hook that returns something replaces the output: this one returns None.
                target.register_forward_hook(lambda m, i, o: None if 'io' in seen else seen.update(io=(i, o)))
            model.eval()
            with torch.no_grad():
                res = model(*[torch.randn(*s) for s in shapes])
            if 'parent' in want:
                ins, res = seen['io']
                shapes = [list(t.shape) for t in ins]
            first = res[0] if isinstance(res, tuple) else res  # the engine's `output` is the first tensor
            out[name] = {'input': [list(s) for s in shapes], 'output': list(first.shape), 'params': params(target)}
        truth[fixture] = out
    with open(os.path.join(HERE, 'truth.json'), 'w') as f:
        json.dump(truth, f, indent=2, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
