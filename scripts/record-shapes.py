#!/usr/bin/python3
"""Record the expected shapes of the shape-inference corpus by running it through real PyTorch.

    /usr/bin/python3 scripts/record-shapes.py            # every fixture
    /usr/bin/python3 scripts/record-shapes.py vgg.py     # only the named fixtures (basenames)

For every test/fixtures/shapes/*.py it writes test/fixtures/shapes/expected/<file>.json in the
`shapes --json` contract of docs/cli-contract.md; for every test/fixtures/shapes/negative/*.py it writes
test/fixtures/shapes/expected/negative/<file>.json with the exception PyTorch raises.
The rules (which models, which input, which line a layer gets) are in test/fixtures/shapes/README.md;
this script is their executable form. Output is deterministic: running it twice changes nothing.
"""
import ast
import json
import os
import re
import sys
import types
import warnings

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, 'test', 'fixtures', 'shapes')
EXPECTED = os.path.join(FIXTURES, 'expected')
NEGATIVE = os.path.join(FIXTURES, 'negative')

# Traced through, never entries: the containers, and the transformer stacks, which are containers of
# TransformerEncoderLayer/TransformerDecoderLayer copies (plus an optional final norm).
CONTAINERS = (nn.Sequential, nn.ModuleList, nn.ModuleDict, nn.TransformerEncoder, nn.TransformerDecoder)
# Values a symbolic dimension takes in the two runs that detect it (see README: symbolic inputs).
SYMBOL_VALUES = ([5, 7], [6, 9], [10, 14])

INPUT_RE = re.compile(r'^\s*#\s*input:\s*(.+?)\s*$')


# ----------------------------------------------------------------------------------------------
# Where the inputs come from (static, on the source text, like the engine)


def parse_input_comment(text):
    """'(1, 1, 28, 28), (1, 300)' -> [[1, 1, 28, 28], [1, 300]]; names stay strings."""
    shapes = []
    for group in re.findall(r'\(([^()]*)\)', text):
        dims = []
        for d in group.split(','):
            d = d.strip()
            if not d:
                continue
            dims.append(int(d) if re.fullmatch(r'-?\d+', d) else d)
        shapes.append(dims)
    if not shapes:
        raise ValueError('unreadable # input: comment: ' + text)
    return shapes


def const_shape(node, consts):
    """A literal shape from a tuple/list/int expression, or None."""
    if isinstance(node, (ast.Tuple, ast.List)):
        out = []
        for e in node.elts:
            v = const_int(e, consts)
            if v is None:
                return None
            out.append(v)
        return out
    v = const_int(node, consts)
    return None if v is None else [v]


def const_int(node, consts):
    try:
        v = eval(compile(ast.Expression(node), '<const>', 'eval'), {'__builtins__': {}}, dict(consts))
    except Exception:
        return None
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def tensor_factory_shape(node, consts):
    """torch.randn(1, 1, 28, 28) / torch.rand((1, 3, 32, 32)) / torch.randint(0, 10, (2, 50))."""
    if not isinstance(node, ast.Call):
        return None
    f = node.func
    name = f.attr if isinstance(f, ast.Attribute) else (f.id if isinstance(f, ast.Name) else None)
    if name in ('randn', 'rand', 'zeros', 'ones', 'empty'):
        args = node.args
        if len(args) == 1:
            return const_shape(args[0], consts)
        dims = [const_int(a, consts) for a in args]
        return None if any(d is None for d in dims) else dims
    if name == 'randint':
        size = node.args[2] if len(node.args) >= 3 else next((k.value for k in node.keywords if k.arg == 'size'), None)
        return const_shape(size, consts) if size is not None else None
    if name == 'to' and isinstance(f, ast.Attribute):
        return tensor_factory_shape(f.value, consts)
    return None


DATASETS = {'MNIST': [1, 28, 28], 'FashionMNIST': [1, 28, 28], 'KMNIST': [1, 28, 28], 'EMNIST': [1, 28, 28],
            'CIFAR10': [3, 32, 32], 'CIFAR100': [3, 32, 32]}


def inferred_inputs(tree, lines, class_names):
    """Inputs from the file besides `# input:` comments: a call, a summary(), a dataset. {class: shapes}"""
    consts = {}
    for st in tree.body:
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            v = const_int(st.value, consts)
            if v is not None:
                consts[st.targets[0].id] = v
    var_class = {}
    var_tensor = {}  # x = torch.randn(1, 3, 224, 224) ... model(x)
    summary_kind = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mod = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            if mod in ('torchsummary', 'torchinfo'):
                summary_kind = mod
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            cls = instantiated_class(node.value, class_names)
            if cls:
                var_class[node.targets[0].id] = cls
            t = tensor_factory_shape(node.value, consts)
            if t is not None:
                var_tensor.setdefault(node.targets[0].id, t)
    found = {}
    instantiated = []

    def model_of(expr):
        if isinstance(expr, ast.Name) and expr.id in var_class:
            return var_class[expr.id]
        return instantiated_class(expr, class_names)

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        cls = instantiated_class(node, class_names)
        if cls and cls not in instantiated:
            instantiated.append(cls)
        target = model_of(node.func)
        if target and node.args:
            shapes = [var_tensor.get(a.id) if isinstance(a, ast.Name) else tensor_factory_shape(a, consts)
                      for a in node.args]
            if all(s is not None for s in shapes):
                found.setdefault(target, ('call', shapes))
        fname = node.func.id if isinstance(node.func, ast.Name) else (node.func.attr if isinstance(node.func, ast.Attribute) else None)
        if fname == 'summary' and node.args:
            target = model_of(node.args[0])
            size = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == 'input_size'), None)
            if target and size is not None:
                shape = const_shape(size, consts)
                if shape is not None:
                    # torchsummary takes the size without the batch dimension (it prints -1): B.
                    found.setdefault(target, ('call', [(['B'] + shape) if summary_kind == 'torchsummary' else shape]))
    dataset = None
    batch = 'B'
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fname = node.func.attr if isinstance(node.func, ast.Attribute) else (node.func.id if isinstance(node.func, ast.Name) else None)
            if fname in DATASETS and dataset is None:
                dataset = DATASETS[fname]
            if fname == 'DataLoader':
                for k in node.keywords:
                    if k.arg == 'batch_size':
                        v = const_int(k.value, consts)
                        if v is not None and batch == 'B':
                            batch = v
    if dataset:
        for cls in instantiated:
            found.setdefault(cls, ('dataset', [[batch] + dataset]))
    return found


def instantiated_class(expr, class_names):
    """`Net()`, `Net().to(device)` -> 'Net'."""
    if isinstance(expr, ast.Call):
        if isinstance(expr.func, ast.Name) and expr.func.id in class_names:
            return expr.func.id
        if isinstance(expr.func, ast.Attribute) and expr.func.attr in ('to', 'cuda', 'cpu', 'eval', 'train'):
            return instantiated_class(expr.func.value, class_names)
    return None


def find_models(path):
    """[(name, line, kind, shapes, source)] in source order."""
    with open(path) as fh:
        src = fh.read()
    lines = src.split('\n')
    tree = ast.parse(src, path)

    def comment_above(lineno):
        i = lineno - 2
        while i >= 0 and lines[i].strip().startswith('@'):
            i -= 1
        if i >= 0:
            m = INPUT_RE.match(lines[i])
            if m:
                return parse_input_comment(m.group(1))
        return None

    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    module_classes = [c.name for c in classes]
    others = inferred_inputs(tree, lines, module_classes)
    models = []
    for st in tree.body:
        if isinstance(st, ast.ClassDef):
            shapes = comment_above(st.lineno)
            if shapes is not None:
                models.append((st.name, st.lineno, 'module', shapes, 'comment'))
            elif st.name in others:
                models.append((st.name, st.lineno, 'module', others[st.name][1], others[st.name][0]))
        elif isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            v = st.value
            is_seq = isinstance(v, ast.Call) and (
                (isinstance(v.func, ast.Attribute) and v.func.attr == 'Sequential')
                or (isinstance(v.func, ast.Name) and v.func.id == 'Sequential'))
            if is_seq:
                shapes = comment_above(st.lineno)
                if shapes is not None:
                    models.append((st.targets[0].id, st.lineno, 'sequential', shapes, 'comment'))
    return models


# ----------------------------------------------------------------------------------------------
# Running a fixture


def install_stubs():
    """Fixtures import torchsummary/torchinfo like real code; they are not installed here."""
    for name in ('torchsummary', 'torchinfo'):
        if name not in sys.modules:
            try:
                __import__(name)
            except ImportError:
                m = types.ModuleType(name)
                m.summary = lambda *a, **k: None
                sys.modules[name] = m


class Recorder:
    """Records where every module is constructed (first frame in the fixture file)."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.def_line = {}
        self.alive = []
        self._orig_init = nn.Module.__init__
        rec = self

        def init(module, *args, **kwargs):
            rec._orig_init(module, *args, **kwargs)
            f = sys._getframe(1)
            while f is not None and os.path.abspath(f.f_code.co_filename) != rec.path:
                f = f.f_back
            # Keep every module alive so that an id is never reused for another module.
            rec.alive.append(module)
            rec.def_line[id(module)] = f.f_lineno if f is not None else None
        self._init = init

    def __enter__(self):
        nn.Module.__init__ = self._init
        # nn.TransformerEncoder/Decoder deep-copy the layer they are given (no __init__ runs): the
        # copies take the construction line of the original.
        import torch.nn.modules.transformer as tr
        self._orig_clones = tr._get_clones
        rec = self

        def clones(module, n):
            result = rec._orig_clones(module, n)
            for clone in result:
                rec.alive.append(clone)
                for a, b in zip(module.modules(), clone.modules()):
                    rec.alive.append(b)
                    rec.def_line[id(b)] = rec.def_line.get(id(a))
            return result
        tr._get_clones = clones
        return self

    def __exit__(self, *exc):
        nn.Module.__init__ = self._orig_init
        import torch.nn.modules.transformer as tr
        tr._get_clones = self._orig_clones


def load(path, rec):
    ns = {'__name__': '__fixture__', '__file__': path}
    with open(path) as fh:
        code = compile(fh.read(), path, 'exec')
    with rec:
        exec(code, ns)
    return ns


def is_leaf(module):
    """A layer entry: a torch.nn class that is not a container (composites such as
    MultiheadAttention or TransformerEncoderLayer count as one layer)."""
    if isinstance(module, CONTAINERS) and type(module).__module__.startswith('torch.'):
        return False
    # Classes defined in the fixture are traced through: their own F.* calls are not layer entries.
    return type(module).__module__.startswith('torch.')


def leaves(model):
    """(named_modules() path, module) of every layer entry. A module registered under two names
    (TCN's `self.conv1` also in `self.net`) is one module: its first path, as named_modules() gives."""
    out = []
    seen = set()

    def walk(prefix, m):
        for name, child in m.named_children():
            if id(child) in seen:
                continue
            seen.add(id(child))
            path = prefix + name
            if is_leaf(child):
                out.append((path, child))
            else:
                walk(path + '.', child)
    if is_leaf(model):
        out.append(('', model))
    else:
        seen.add(id(model))
        walk('', model)
    return out


def first_tensor(x):
    if isinstance(x, torch.Tensor):
        return x
    if isinstance(x, (tuple, list)):
        for e in x:
            t = first_tensor(e)
            if t is not None:
                return t
    return None


def all_tensors(x):
    if isinstance(x, torch.Tensor):
        return [x]
    if isinstance(x, (tuple, list)):
        return [t for e in x for t in all_tensors(e)]
    return []


def caller_frame(module):
    """The frame that called `module(...)`: just above Module._call_impl for this module."""
    f = sys._getframe(2)
    impl = nn.Module._call_impl.__code__
    while f is not None:
        if f.f_code is impl and f.f_locals.get('self') is module:
            return f.f_back
        f = f.f_back
    return None


def make_input(shape, integer, high):
    if integer:
        return torch.randint(0, high, tuple(shape), dtype=torch.long)
    return torch.randn(*shape)


class _IntegerInput(Exception):
    pass


def integer_inputs(obj, shapes):
    """{input index: num_embeddings} for the forward arguments that reach an Embedding/EmbeddingBag
    as they are (token ids): found by probing with float inputs and stopping at such an Embedding."""
    found = {}
    embeddings = [m for m in obj.modules() if isinstance(m, (nn.Embedding, nn.EmbeddingBag))]
    if not embeddings:
        return found
    for _ in range(len(shapes) + 1):
        inputs = [make_input(s, i in found, found.get(i, 0)) for i, s in enumerate(shapes)]

        def pre(mod, inp):
            for i, x in enumerate(inputs):
                if inp and inp[0] is x and i not in found:
                    found[i] = mod.num_embeddings
                    raise _IntegerInput()
        handles = [m.register_forward_pre_hook(pre) for m in embeddings]
        try:
            with torch.no_grad():
                obj(*inputs)
            return found
        except _IntegerInput:
            continue
        except Exception:  # noqa: BLE001 - the real run reports it
            return found
        finally:
            for h in handles:
                h.remove()
    return found


def run_model(path, rec, obj, shapes, events, stack=None):
    """One forward pass with hooks; fills `events` with one dict per leaf call. `stack` holds the
    leaf calls under way (after an exception: the layer that raised)."""
    obj.eval()
    lv = leaves(obj)
    integer = integer_inputs(obj, shapes)
    handles = []
    if stack is None:
        stack = []
    for name, m in lv:
        def pre(mod, inp, name=name):
            caller = caller_frame(mod)
            stack.append((name, mod, inp, caller))

        def post(mod, inp, out, name=name):
            _, _, _, caller = stack.pop()
            in_fixture = caller is not None and os.path.abspath(caller.f_code.co_filename) == rec.path
            d = rec.def_line.get(id(mod))
            line = caller.f_lineno if in_fixture else d
            t_in = first_tensor(inp)
            t_out = first_tensor(out)
            ev = {
                'line': line,
                'name': name,
                'type': type(mod).__name__,
                'input': list(t_in.shape) if t_in is not None else None,
                'output': list(t_out.shape) if t_out is not None else None,
                'params': sum(p.numel() for p in mod.parameters()),
                'defLine': d,
                'calledFrom': 'forward' if in_fixture else 'sequential',
            }
            outs = all_tensors(out)
            if len(outs) > 1:
                ev['outputs'] = [list(t.shape) for t in outs]
            events.append(ev)
        handles.append(m.register_forward_pre_hook(pre))
        handles.append(m.register_forward_hook(post))
    try:
        inputs = [make_input(s, i in integer, integer.get(i, 0)) for i, s in enumerate(shapes)]
        with torch.no_grad():
            out = obj(*inputs)
    finally:
        for h in handles:
            h.remove()
    return out, stack


def record_fixture(path):
    install_stubs()
    torch.manual_seed(0)
    rel = os.path.relpath(path, ROOT)
    models = find_models(path)
    if not models:
        raise SystemExit(f'{rel}: no model with a declared or inferable input')
    result = {'file': rel, 'models': [], 'diagnostics': []}
    for name, line, kind, shapes, source in models:
        symbols = sorted({d for s in shapes for d in s if isinstance(d, str)})
        if len(symbols) > len(SYMBOL_VALUES):
            raise SystemExit(f'{rel}: too many symbols')
        runs = []
        for k in range(2 if symbols else 1):
            env = {sym: SYMBOL_VALUES[i][k] for i, sym in enumerate(symbols)}
            concrete = [[env.get(d, d) for d in s] for s in shapes]
            rec = Recorder(path)
            ns = load(path, rec)
            obj = ns[name]
            if kind == 'module':
                with rec:
                    obj = obj()
            events = []
            out, _ = run_model(path, rec, obj, concrete, events)
            model = {
                'name': name,
                'line': line,
                'kind': kind,
                'inputSource': source,
                'input': concrete,
                'output': list(first_tensor(out).shape),
                'params': sum(p.numel() for p in obj.parameters()),
                'layers': events,
            }
            outs = all_tensors(out)
            if isinstance(out, (tuple, list)):
                model['outputs'] = [list(t.shape) for t in outs]
            runs.append(model)
        model = runs[0]
        if symbols:
            model = symbolize(runs, symbols, f'{rel}:{name}')
            model['input'] = shapes
        result['models'].append(model)
    return result


def symbolize(runs, symbols, where):
    """Merge two runs with different symbol values: dims that differ become the symbol's name."""
    pairs = {(SYMBOL_VALUES[i][0], SYMBOL_VALUES[i][1]): sym for i, sym in enumerate(symbols)}

    def merge(a, b, path):
        if isinstance(a, dict):
            return {k: merge(a[k], b[k], path + '.' + k) for k in a}
        if isinstance(a, list):
            if len(a) != len(b):
                raise SystemExit(f'{where}: {path} changes rank with the symbol')
            return [merge(x, y, f'{path}[{i}]') for i, (x, y) in enumerate(zip(a, b))]
        if a == b:
            return a
        if (a, b) in pairs and path.count('[') >= 1:
            return pairs[(a, b)]
        raise SystemExit(f'{where}: {path} = {a} / {b} is not a plain symbol; keep symbolic fixtures simple')
    return merge(runs[0], runs[1], '')


# ----------------------------------------------------------------------------------------------
# Negative fixtures


def record_negative(path):
    install_stubs()
    torch.manual_seed(0)
    rel = os.path.relpath(path, ROOT)
    rec = Recorder(path)
    models = find_models(path)
    if len(models) != 1:
        raise SystemExit(f'{rel}: a negative fixture declares exactly one model')
    name, line, kind, shapes, _ = models[0]
    failing = None
    stack = []
    try:
        ns = load(path, rec)
        obj = ns[name]
        if kind == 'module':
            with rec:
                obj = obj()
        run_model(path, rec, obj, shapes, [], stack)
    except Exception as e:  # noqa: BLE001 - the point is to catch what PyTorch raises
        failing = e
    if failing is None:
        raise SystemExit(f'{rel}: expected PyTorch to raise, but the forward pass succeeded')
    abspath = os.path.abspath(path)
    tb_lines = []
    tb = failing.__traceback__
    frames = []
    while tb is not None:
        if os.path.abspath(tb.tb_frame.f_code.co_filename) == abspath:
            tb_lines.append(tb.tb_lineno)
            frames.append(tb.tb_frame)
        tb = tb.tb_next
    out = {'error': str(failing).strip(), 'exception': type(failing).__name__}
    if stack:
        # A layer raised: the offending argument is in its constructor call.
        lname, mod, inp, caller = stack[-1]
        x = first_tensor(inp)
        def_line = rec.def_line.get(id(mod))
        ev = expected_value(mod, x)
        arg = offending_argument(mod, ev)
        out['line'] = argument_line(path, def_line, type(mod).__name__, arg)
        if out['line'] != def_line:
            out['defLine'] = def_line
        if tb_lines:
            out['callLine'] = tb_lines[-1]
        out['layer'] = lname
        out['type'] = type(mod).__name__
        if arg:
            out['argument'] = arg[0]
        if ev is not None:
            out['expectedValue'] = ev
    else:
        # Construction or a functional op raised: the line of that call in the file.
        out['line'] = tb_lines[-1]
        ev = view_expected_value(frames[-1], tb_lines[-1]) if frames else None
        if ev is not None:
            out['expectedValue'] = ev
    return out


def offending_argument(mod, ev):
    """(keyword, position) of the constructor argument that is wrong, or None."""
    convs = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)
    pools = (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d, nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)
    if isinstance(mod, nn.Linear):
        return ('in_features', 0)
    if isinstance(mod, convs):
        return ('in_channels', 0) if ev is not None else ('kernel_size', 2)
    if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
        return ('num_features', 0)
    if isinstance(mod, nn.GroupNorm):
        return ('num_channels', 1)
    if isinstance(mod, pools):
        return ('padding', 2) if ev is not None else ('kernel_size', 0)
    return None


def argument_line(path, def_line, type_name, arg):
    """The line of `arg` in the constructor call `type_name(...)` that starts on def_line; else def_line."""
    if def_line is None or arg is None:
        return def_line
    with open(path) as fh:
        tree = ast.parse(fh.read())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or node.lineno != def_line:
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else (f.id if isinstance(f, ast.Name) else None)
        if name != type_name:
            continue
        for k in node.keywords:
            if k.arg == arg[0]:
                return k.value.lineno
        if len(node.args) > arg[1] and not any(isinstance(a, ast.Starred) for a in node.args[:arg[1] + 1]):
            return node.args[arg[1]].lineno
    return def_line


def expected_value(mod, x):
    if isinstance(mod, nn.Linear):
        return int(x.shape[-1])
    if isinstance(mod, (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)):
        if x.shape[1] != mod.in_channels:
            return int(x.shape[1])
        return None
    if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
        return int(x.shape[1])
    if isinstance(mod, nn.GroupNorm):
        return int(x.shape[1])
    if isinstance(mod, (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d, nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)):
        k = mod.kernel_size if isinstance(mod.kernel_size, int) else mod.kernel_size[0]
        p = mod.padding if isinstance(mod.padding, int) else mod.padding[0]
        d = getattr(mod, 'dilation', 1)
        d = d if isinstance(d, int) else d[0]
        limit = ((k - 1) * d + 1) // 2
        if p > limit:
            return limit
    return None


def view_expected_value(frame, lineno):
    """For `x.view(-1, N)` / `x.view(x.size(0), N)` / reshape: the N that fits."""
    with open(frame.f_code.co_filename) as fh:
        text = fh.read().split('\n')[lineno - 1]
    m = re.search(r'(\w+)\.(view|reshape)\((-1|\w+\.size\(0\)|\w+\.shape\[0\]),\s*(\d+)\)', text)
    if not m:
        return None
    x = frame.f_locals.get(m.group(1))
    if not isinstance(x, torch.Tensor):
        return None
    n = x.numel() // x.shape[0]
    return int(n)


# ----------------------------------------------------------------------------------------------


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = json.dumps(obj, indent=2) + '\n'
    # Keep shapes on one line: [1, 32, 26, 26] rather than one number per line.
    text = re.sub(r'\[\s+([^\[\]{}]*?)\s+\]', lambda m: '[' + re.sub(r',\s+', ', ', m.group(1)) + ']', text)
    old = open(path).read() if os.path.exists(path) else None
    if old != text:
        with open(path, 'w') as fh:
            fh.write(text)
        return True
    return False


def main(argv):
    warnings.filterwarnings('ignore')  # PyTorch's UserWarnings (even 'same' kernels, 2-D dropout2d) are noise here
    only = set(argv)
    changed = 0
    count = 0
    for fname in sorted(os.listdir(FIXTURES)):
        if not fname.endswith('.py') or (only and fname not in only):
            continue
        res = record_fixture(os.path.join(FIXTURES, fname))
        changed += write(os.path.join(EXPECTED, fname[:-3] + '.json'), res)
        count += 1
        print(f'{fname}: {len(res["models"])} model(s), {sum(len(m["layers"]) for m in res["models"])} layers')
    if os.path.isdir(NEGATIVE):
        for fname in sorted(os.listdir(NEGATIVE)):
            if not fname.endswith('.py') or (only and fname not in only):
                continue
            res = record_negative(os.path.join(NEGATIVE, fname))
            changed += write(os.path.join(EXPECTED, 'negative', fname[:-3] + '.json'), res)
            count += 1
            print(f'negative/{fname}: line {res["line"]}: {res["error"].splitlines()[0][:100]}')
    print(f'{count} fixtures recorded, {changed} file(s) changed')


if __name__ == '__main__':
    main(sys.argv[1:])
