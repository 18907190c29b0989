#!/usr/bin/python3
"""Record what real PyTorch does with the models of a public repository checked out on this machine.

    /usr/bin/python3 scripts/record-repo.py test/realworld/repos/<owner+name>.json CHECKOUT OUT.json
    node --import tsx test/realworld/repo-report.ts test/realworld/repos/<owner+name>.json CHECKOUT OUT.json

The catalogue names the repository, the commit it was written against, and per model a file, a
`construct` and a `call` (Python text, as in the Debian corpus). Each model is built and called in the
namespace of its file with the same forward hooks and rules as scripts/record-realworld.py, and the
facts are written to OUT.json. Nothing of the repository is copied into this one. Folders that hold a
catalogued file get an empty __init__.py in the checkout when they have none, so `models.resnet` can be
imported the way the repository's own scripts import it.
"""
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class _Handle:
    def __init__(self, module):
        self.module = module

    def remove(self):
        del self.module.forward


def hook_direct_forward(module, hook):
    """Stands in for register_forward_hook while recording: user code calls `self.conv.forward(x)`
    (bearpaw's ResNeXt does), which runs the layer but skips PyTorch's hooks, so the layer would be
    missing from the facts although it ran. An instance `forward` that reports its output is reached
    by both `m(x)` and `m.forward(x)`, after the layer ran, as a forward hook is."""
    inner = module.forward

    def forward(*args, **kwargs):
        out = inner(*args, **kwargs)
        hook(module, args, out)
        return out

    module.forward = forward
    return _Handle(module)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    catalogue, checkout, out = sys.argv[1:]
    spec = importlib.util.spec_from_file_location('record_realworld', os.path.join(HERE, 'record-realworld.py'))
    rr = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rr)
    rr.SITE = os.path.abspath(checkout)
    sys.path.insert(0, rr.SITE)
    import torch
    torch.set_num_threads(1)
    torch.nn.Module.register_forward_hook = hook_direct_forward
    with open(catalogue) as f:
        cat = json.load(f)
    facts, failed = [], []
    for e in cat['models']:
        parts = e['file'].split('/')[:-1]
        for k in range(1, len(parts) + 1):
            init = os.path.join(rr.SITE, *parts[:k], '__init__.py')
            if not os.path.exists(init):
                open(init, 'w').close()
        entry = {'id': f"{e['file']}:{e['construct']}", 'mode': 'train', **e}
        try:
            r = rr.record(entry)
        except Exception as ex:  # noqa: BLE001 - a catalogue entry PyTorch cannot run is a catalogue bug
            failed.append(f"{entry['id']}: PyTorch fails: {type(ex).__name__}: {ex}")
            continue
        print(f"{entry['id']}: {r['class']} {len(r['layers'])} entries, {r['params']:,} params", flush=True)
        facts.append(r)
    with open(out, 'w') as f:
        json.dump({'repo': cat['repo'], 'commit': cat['commit'], 'torch': torch.__version__, 'models': facts}, f)
    if failed:
        sys.exit('not recorded (fix the catalogue):\n' + '\n'.join(failed))


if __name__ == '__main__':
    main()
