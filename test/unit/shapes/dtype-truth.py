# Records the dtype PyTorch gives each call in CASES, for test/unit/shapes/dtype.test.ts, which gives
# the engine's dtype rules (src/shapes/library/ops/dtypes.ts) the same call and compares.
# Run with Debian's torch: /usr/bin/python3 test/unit/shapes/dtype-truth.py > test/unit/shapes/dtype-truth.json
#
# An argument is written as a spec: 'int64[3]' a tensor of shape [3], 'int64[]' a zero-dimensional one,
# 'int' 2, 'float' 2.5, 'True', 'dim' 0, 'size' (3,), 'dtype:long' torch.long, 'str:cpu',
# 'list:<python>' the literal, 'tensors:int64,float32' a list of [3] tensors, 'op:+' the operator of
# tensor.__binop__ (Python's `a + b`). A result {error}: PyTorch raised that.
import itertools
import json
import torch

DTYPES = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64']


def make(spec):
    if spec == 'int':
        return 2
    if spec == 'float':
        return 2.5
    if spec == 'True':
        return True
    if spec == 'dim':
        return 0
    if spec == 'size':
        return (3,)
    if spec.startswith('dtype:'):
        return getattr(torch, spec[6:])
    if spec.startswith('str:'):
        return spec[4:]
    if spec.startswith('list:'):
        return eval(spec[5:])
    if spec.startswith('tensors:'):
        return [torch.ones(3, dtype=getattr(torch, d)) for d in spec[8:].split(',')]
    name, dims = spec.split('[')
    return torch.ones([] if dims == ']' else [3], dtype=getattr(torch, name))


def run(path, self, pos, kw):
    if path == 'tensor.__binop__':
        return eval('a ' + pos[2][3:] + ' b', {'a': make(pos[0]), 'b': make(pos[1])})
    args = [make(p) for p in pos]
    kws = {k: make(v) for k, v in kw.items()}
    if path.startswith('tensor.'):
        return getattr(make(self), path[7:])(*args, **kws)
    return getattr(torch, path[6:])(*args, **kws)


def describe(r):
    if isinstance(r, torch.Tensor):
        return {'dtype': str(r.dtype)[6:], 'shape': list(r.shape)}
    return [describe(x) for x in r]


CASES = []
for size in [['int'], ['size']]:
    for fn in ['zeros', 'ones', 'empty', 'randn', 'rand']:
        CASES.append(('torch.' + fn, None, size, {}))
CASES += [
    ('torch.zeros', None, ['int'], {'dtype': 'dtype:long'}),
    ('torch.ones', None, ['int'], {'dtype': 'dtype:half'}),
    ('torch.arange', None, ['int'], {}),
    ('torch.arange', None, ['dim', 'int'], {}),
    ('torch.arange', None, ['float'], {}),
    ('torch.arange', None, ['int'], {'dtype': 'dtype:float32'}),
    ('torch.full', None, ['size', 'True'], {}),
    ('torch.full', None, ['size', 'int'], {}),
    ('torch.full', None, ['size', 'float'], {}),
    ('torch.randint', None, ['int', 'size'], {}),
    ('torch.eye', None, ['int'], {}),
]
for data in ['[1, 2]', '[1, 2.5]', '[True, False]', '[True, 2]', '[[1, 2], [3, 4]]', '[]', '3', '2.5', 'True']:
    CASES.append(('torch.tensor', None, ['list:' + data], {}))
for d in ['bool', 'int32', 'int64', 'float16', 'float64']:
    for fn in ['zeros_like', 'ones_like', 'empty_like']:
        CASES.append(('torch.' + fn, None, [d + '[3]'], {}))
    CASES.append(('torch.full_like', None, [d + '[3]', 'int'], {}))
    CASES.append(('tensor.new_zeros', d + '[3]', ['size'], {}))
    CASES.append(('tensor.new_full', d + '[3]', ['size', 'float'], {}))
for d in ['float32', 'int64', 'bool']:
    x = d + '[3]'
    for m in ['long', 'int', 'short', 'char', 'byte', 'bool', 'float', 'double', 'half', 'bfloat16']:
        CASES.append(('tensor.' + m, x, [], {}))
    CASES += [
        ('tensor.to', x, ['dtype:long'], {}),
        ('tensor.to', x, [], {'dtype': 'dtype:int32'}),
        ('tensor.to', x, ['str:cpu'], {}),
        ('tensor.to', x, ['str:cpu', 'dtype:float64'], {}),
        ('tensor.to', x, ['int8[3]'], {}),
        ('tensor.type', x, ['dtype:int16'], {}),
        ('tensor.type_as', x, ['float16[3]'], {}),
    ]
for d in ['bool', 'uint8', 'int32', 'int64', 'float16', 'float32', 'float64']:
    x = d + '[3]'
    for m in ['flatten', 'clone', 'contiguous', 'detach', 't', 'neg', 'abs', 'sign', 'round', 'floor',
              'sqrt', 'exp', 'log', 'sigmoid', 'tanh', 'rsqrt', 'isnan', 'logical_not', 'argmax', 'argmin',
              'argsort', 'sort', 'sum', 'prod', 'mean', 'max', 'min', 'amax', 'any', 'all', 'relu']:
        CASES.append(('tensor.' + m, x, [], {}))
    CASES += [
        ('tensor.view', x, ['list:-1'], {}),
        ('tensor.permute', x, ['dim'], {}),
        ('tensor.unsqueeze', x, ['dim'], {}),
        ('tensor.repeat', x, ['int'], {}),
        ('tensor.cumsum', x, ['dim'], {}),
        ('tensor.sum', x, [], {'dtype': 'dtype:int32'}),
        ('tensor.max', x, ['dim'], {}),
        ('tensor.topk', x, ['int'], {}),
        ('tensor.sort', x, ['dim'], {}),
        ('tensor.eq', x, ['int'], {}),
        ('tensor.gt', x, ['float'], {}),
        ('tensor.index_select', x, ['dim', 'int64[3]'], {}),
        ('torch.add', None, [x, 'int32[3]'], {}),
        ('torch.div', None, [x, 'int'], {}),
        ('torch.div', None, [x, 'int'], {'rounding_mode': 'str:floor'}),
        ('torch.pow', None, ['int', x], {}),
        ('torch.maximum', None, [x, 'float16[3]'], {}),
        ('torch.matmul', None, [x, x], {}),
        ('torch.cat', None, ['tensors:' + d + ',int32'], {}),
        ('torch.stack', None, ['tensors:' + d + ',' + d], {}),
        ('torch.where', None, ['bool[3]', x, 'int64[3]'], {}),
        ('torch.meshgrid', None, [x, x], {'indexing': 'str:ij'}),
    ]
SPECS = ['bool[3]', 'bool[]', 'uint8[3]', 'int8[]', 'int32[3]', 'int32[]', 'int64[3]', 'int64[]',
         'float16[3]', 'bfloat16[3]', 'float32[]', 'float64[3]', 'int', 'float', 'True']
for op in ['+', '-', '/', '//', '**', '&', '<']:
    for a, b in itertools.product(SPECS, SPECS):
        if '[' in a or '[' in b:
            CASES.append(('tensor.__binop__', None, [a, b, 'op:' + op], {}))

out = []
for path, self, pos, kw in CASES:
    try:
        r = describe(run(path, self, pos, kw))
    except Exception as e:
        r = {'error': str(e).split('\n')[0][:100]}
    out.append({'path': path, 'self': self, 'pos': pos, 'kw': kw, 'result': r})
print('{"torch": %s, "cases": [' % json.dumps(torch.__version__))
print(',\n'.join(json.dumps(c) for c in out))
print(']}')
