# Records what real PyTorch does for each layer case in CASES: output shape(s) and parameter count.
# Run with Debian's torch: /usr/bin/python3 test/unit/shapes/pytorch-truth.py > test/unit/shapes/pytorch-truth.json
# The unit tests feed the same constructor text to the engine and compare against this file.
import json
import torch
import torch.nn as nn

CASES = [
    # id, constructor (Python text), input shapes, integer input?
    ("conv2d_basic", "nn.Conv2d(1, 32, 3)", [(1, 1, 28, 28)], False),
    ("conv2d_stride_pad", "nn.Conv2d(3, 16, kernel_size=5, stride=2, padding=2)", [(2, 3, 33, 31)], False),
    ("conv2d_dilation", "nn.Conv2d(3, 8, 3, dilation=2)", [(1, 3, 20, 17)], False),
    ("conv2d_tuple", "nn.Conv2d(3, 8, kernel_size=(3, 5), stride=(1, 2), padding=(1, 0))", [(1, 3, 20, 21)], False),
    ("conv2d_groups", "nn.Conv2d(32, 64, 3, groups=4, bias=False)", [(1, 32, 10, 10)], False),
    ("conv2d_depthwise", "nn.Conv2d(16, 16, 3, padding=1, groups=16)", [(1, 16, 9, 9)], False),
    ("conv2d_same_dil", "nn.Conv2d(4, 4, 3, padding='same', dilation=4)", [(1, 4, 15, 15)], False),
    ("conv2d_same_even", "nn.Conv2d(4, 6, 4, padding='same')", [(1, 4, 11, 12)], False),
    ("conv2d_valid", "nn.Conv2d(4, 6, 3, padding='valid')", [(1, 4, 11, 12)], False),
    ("conv2d_unbatched", "nn.Conv2d(3, 5, 3)", [(3, 10, 10)], False),
    ("conv1d", "nn.Conv1d(1, 16, kernel_size=80, stride=4)", [(1, 1, 8000)], False),
    ("conv3d", "nn.Conv3d(3, 8, kernel_size=(3, 3, 3), padding=(1, 0, 0), stride=(1, 2, 2))", [(1, 3, 8, 32, 32)], False),
    ("convt2d", "nn.ConvTranspose2d(100, 64, 4, 1, 0, bias=False)", [(1, 100, 1, 1)], False),
    ("convt2d_s2", "nn.ConvTranspose2d(64, 32, 4, 2, 1, bias=False)", [(1, 64, 4, 4)], False),
    ("convt2d_outpad", "nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)", [(1, 8, 7, 7)], False),
    ("convt2d_dil", "nn.ConvTranspose2d(8, 4, 3, stride=3, dilation=2, output_padding=1)", [(1, 8, 5, 6)], False),
    ("convt1d", "nn.ConvTranspose1d(4, 2, 5, stride=3)", [(2, 4, 10)], False),
    ("convt3d", "nn.ConvTranspose3d(4, 2, (2, 3, 3), stride=2)", [(1, 4, 3, 5, 5)], False),
    ("maxpool2d", "nn.MaxPool2d(2)", [(1, 8, 25, 24)], False),
    ("maxpool2d_s_p", "nn.MaxPool2d(3, stride=2, padding=1)", [(1, 8, 25, 24)], False),
    ("maxpool2d_dil", "nn.MaxPool2d(3, stride=1, dilation=2)", [(1, 8, 12, 12)], False),
    ("maxpool2d_ceil", "nn.MaxPool2d(2, 2, ceil_mode=True)", [(1, 8, 25, 25)], False),
    ("maxpool2d_ceil_drop", "nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)", [(1, 1, 6, 6)], False),
    ("maxpool2d_ceil_drop2", "nn.MaxPool2d(2, stride=2, padding=1, ceil_mode=True)", [(1, 1, 4, 4)], False),
    ("maxpool2d_ceil_k1s2", "nn.MaxPool2d(1, stride=2, ceil_mode=True)", [(1, 1, 5, 6)], False),
    ("maxpool1d", "nn.MaxPool1d(4)", [(1, 16, 1999)], False),
    ("maxpool3d", "nn.MaxPool3d((1, 2, 2))", [(1, 8, 8, 15, 15)], False),
    ("avgpool2d", "nn.AvgPool2d(3, stride=2, padding=1)", [(1, 4, 15, 16)], False),
    ("avgpool2d_ceil", "nn.AvgPool2d(3, stride=2, ceil_mode=True)", [(1, 4, 14, 15)], False),
    ("avgpool2d_ceil_pad", "nn.AvgPool2d(2, stride=2, padding=1, ceil_mode=True)", [(1, 4, 4, 5)], False),
    ("avgpool1d", "nn.AvgPool1d(3, stride=2)", [(1, 4, 20)], False),
    ("avgpool3d", "nn.AvgPool3d(2)", [(1, 2, 5, 6, 7)], False),
    ("lppool2d", "nn.LPPool2d(2, 3, stride=2)", [(1, 4, 15, 16)], False),
    ("adaptive_avg", "nn.AdaptiveAvgPool2d((5, 7))", [(1, 4, 15, 16)], False),
    ("adaptive_avg_none", "nn.AdaptiveAvgPool2d((None, 3))", [(1, 4, 15, 16)], False),
    ("adaptive_max1d", "nn.AdaptiveMaxPool1d(6)", [(1, 4, 50)], False),
    ("linear", "nn.Linear(9216, 128)", [(1, 9216)], False),
    ("linear_3d", "nn.Linear(16, 64)", [(32, 16, 16)], False),
    ("linear_nobias", "nn.Linear(10, 5, bias=False)", [(4, 10)], False),
    ("bilinear", "nn.Bilinear(20, 30, 40)", [(128, 20), (128, 30)], False),
    ("flatten", "nn.Flatten()", [(2, 3, 4, 5)], False),
    ("flatten_range", "nn.Flatten(0, 2)", [(2, 3, 4, 5)], False),
    ("unflatten", "nn.Unflatten(1, (2, 5, 5))", [(2, 50)], False),
    ("batchnorm2d", "nn.BatchNorm2d(64)", [(2, 64, 5, 5)], False),
    ("batchnorm1d_2d", "nn.BatchNorm1d(30)", [(4, 30)], False),
    ("batchnorm1d_affine_off", "nn.BatchNorm1d(30, affine=False)", [(4, 30, 7)], False),
    ("batchnorm3d", "nn.BatchNorm3d(8)", [(1, 8, 2, 3, 4)], False),
    ("layernorm", "nn.LayerNorm([10, 12])", [(3, 10, 12)], False),
    ("groupnorm", "nn.GroupNorm(4, 32)", [(2, 32, 6, 6)], False),
    ("instancenorm_affine", "nn.InstanceNorm2d(16, affine=True)", [(2, 16, 6, 6)], False),
    ("lrn", "nn.LocalResponseNorm(2)", [(2, 16, 6, 6)], False),
    ("prelu", "nn.PReLU(3)", [(2, 3, 4, 4)], False),
    ("glu", "nn.GLU(dim=1)", [(2, 10, 4)], False),
    ("softmax", "nn.Softmax(dim=1)", [(2, 10)], False),
    ("dropout2d", "nn.Dropout2d(0.25)", [(2, 10, 3, 3)], False),
    ("embedding", "nn.Embedding(1000, 300)", [(1, 100)], True),
    ("embeddingbag", "nn.EmbeddingBag(100, 16, mode='sum')", [(4, 7)], True),
    ("rnn", "nn.RNN(10, 20, 2)", [(5, 3, 10)], False),
    ("lstm_bf_bi", "nn.LSTM(300, 256, num_layers=2, batch_first=True, bidirectional=True)", [(1, 100, 300)], False),
    ("lstm_proj", "nn.LSTM(10, 20, num_layers=2, proj_size=5)", [(7, 3, 10)], False),
    ("gru", "nn.GRU(16, 32, batch_first=True)", [(4, 9, 16)], False),
    ("gru_bi_3", "nn.GRU(16, 32, num_layers=3, bidirectional=True, bias=False)", [(9, 4, 16)], False),
    ("upsample_scale", "nn.Upsample(scale_factor=2, mode='nearest')", [(1, 3, 7, 9)], False),
    ("upsample_frac", "nn.Upsample(scale_factor=1.5, mode='bilinear', align_corners=False)", [(1, 3, 7, 9)], False),
    ("upsample_size", "nn.Upsample(size=(20, 30))", [(1, 3, 7, 9)], False),
    ("pixelshuffle", "nn.PixelShuffle(3)", [(1, 18, 4, 5)], False),
    ("pixelunshuffle", "nn.PixelUnshuffle(2)", [(1, 2, 8, 6)], False),
    ("reflectionpad", "nn.ReflectionPad2d((1, 2, 3, 4))", [(1, 2, 8, 6)], False),
    ("zeropad", "nn.ZeroPad2d(2)", [(1, 2, 8, 6)], False),
    ("constpad1d", "nn.ConstantPad1d((3, 1), 0.5)", [(1, 2, 8)], False),
    ("replicationpad3d", "nn.ReplicationPad3d(1)", [(1, 2, 3, 4, 5)], False),
    ("mha", "nn.MultiheadAttention(32, 4, batch_first=True)", [(2, 10, 32), (2, 10, 32), (2, 10, 32)], False),
    ("mha_kdim", "nn.MultiheadAttention(32, 4, kdim=16, vdim=8)", [(10, 2, 32), (7, 2, 16), (7, 2, 8)], False),
    ("transformer_layer", "nn.TransformerEncoderLayer(64, 4, 128, batch_first=True)", [(2, 20, 64)], False),
]


def flat(out):
    if isinstance(out, torch.Tensor):
        return [list(out.shape)]
    if isinstance(out, (tuple, list)):
        return [s for o in out if o is not None for s in flat(o)]
    return []


result = {"torch": torch.__version__, "cases": {}}
for cid, expr, shapes, integer in CASES:
    m = eval(expr).eval()
    if integer:
        xs = [torch.randint(0, 100, s) for s in shapes]
    else:
        xs = [torch.randn(*s) for s in shapes]
    with torch.no_grad():
        out = m(*xs)
    result["cases"][cid] = {
        "expr": expr,
        "input": [list(s) for s in shapes],
        "outputs": flat(out),
        "params": sum(p.numel() for p in m.parameters()),
    }
# Symbolic inputs: the engine's expression in H (and W) must give PyTorch's size for every H tried.
SYMBOLIC = [
    ("conv_pool", "nn.Sequential(nn.Conv2d(1, 6, 5), nn.MaxPool2d(2))", (2, 1, "H", "W")),
    ("lenet_trunk", "nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))", (2, 1, "H", "W")),
    ("strided", "nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.Conv2d(8, 8, 3, stride=2, padding=1))", (1, 3, "H", "W")),
    ("upsample_back", "nn.Sequential(nn.MaxPool2d(2), nn.ConvTranspose2d(4, 4, 2, stride=2))", (1, 4, "H", "W")),
    ("avg_ceil_free", "nn.Sequential(nn.AvgPool2d(3, stride=2), nn.MaxPool2d(3, stride=2, ceil_mode=True))", (1, 4, "H", "W")),
    ("flatten_all", "nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten())", (2, 1, "H", "W")),
]
result["symbolic"] = {}
for cid, expr, template in SYMBOLIC:
    m = eval(expr).eval()
    runs = []
    for h, w in [(28, 28), (29, 33), (32, 40), (41, 37), (64, 50)]:
        shape = [h if d == "H" else w if d == "W" else d for d in template]
        with torch.no_grad():
            out = m(torch.randn(*shape))
        runs.append({"H": h, "W": w, "output": list(out.shape)})
    result["symbolic"][cid] = {"expr": expr, "input": list(template), "runs": runs}

# Diagnostics: each model raises in PyTorch with the `bad` value and runs with `good`, the value the
# engine's quick fix must offer (None where no single value fixes it).
HEADER = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
DIAGS = [
    ("linear-in-features", "nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.MaxPool2d(2), nn.Flatten(), nn.Linear({v}, 128))", (1, 1, 28, 28), 1600, 9216),
    ("conv-in-channels", "nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.Conv2d({v}, 32, 3))", (1, 3, 32, 32), 3, 16),
    ("batchnorm-features", "nn.Sequential(nn.Conv2d(3, 64, 3), nn.BatchNorm2d({v}))", (2, 3, 16, 16), 32, 64),
    ("groupnorm-channels", "nn.Sequential(nn.Conv2d(3, 64, 3), nn.GroupNorm(8, {v}))", (2, 3, 16, 16), 32, 64),
    ("pool-padding", "nn.Sequential(nn.MaxPool2d(3, stride=1, padding={v}))", (1, 2, 8, 8), 2, 1),
    ("rnn-input-size", "nn.Sequential(nn.LSTM({v}, 20))", (5, 3, 10), 8, 10),
    ("layernorm-shape", "nn.Sequential(nn.LayerNorm({v}))", (2, 5, 10), 8, 10),
    ("spatial-too-small", "nn.Sequential(nn.Conv2d(1, 8, {v}))", (1, 1, 4, 4), 5, None),
    ("padding-same-stride", "nn.Sequential(nn.Conv2d(1, 8, 3, stride={v}, padding='same'))", (1, 1, 8, 8), 2, None),
]
CLASS_DIAGS = [
    ("view-numel", "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(1, 20, 5)\n\n    def forward(self, x):\n        x = F.max_pool2d(self.conv(x), 2)\n        return x.view(-1, {v})\n", (1, 1, 14, 14), 320, 500),
    ("cat-mismatch", "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = nn.Conv2d(3, 8, 3)\n        self.b = nn.Conv2d(3, 8, {v})\n\n    def forward(self, x):\n        return torch.cat([self.a(x), self.b(x)], dim=1)\n", (1, 3, 16, 16), 5, 3),
    ("split-sizes", "class Net(nn.Module):\n    def forward(self, x):\n        return torch.split(x, [3, {v}], dim=1)[0]\n", (2, 8, 4), 4, 5),
    ("broadcast-mismatch", "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = nn.Conv2d(3, 64, 3, padding=1)\n        self.b = nn.Conv2d(3, {v}, 3, padding=1)\n\n    def forward(self, x):\n        return self.a(x) + self.b(x)\n", (1, 3, 16, 16), 32, 64),
]


def run(src, shape):
    scope = {}
    exec(HEADER + src, scope)
    m = scope["Net"]() if "Net" in scope else scope["m"]
    m.eval()
    with torch.no_grad():
        return list(m(torch.randn(*shape))[0].shape) if isinstance(m(torch.randn(*shape)), tuple) else list(m(torch.randn(*shape)).shape)


result["diagnostics"] = []
for code, tmpl, shape, bad, good in [(c, "m = " + t, s, b, g) for c, t, s, b, g in DIAGS] + CLASS_DIAGS:
    err = None
    try:
        run(tmpl.format(v=bad), shape)
    except Exception as e:  # what PyTorch raises, verbatim
        err = str(e).split("\n")[0]
    assert err is not None, code + " should raise"
    good_out = run(tmpl.format(v=good), shape) if good is not None else None
    result["diagnostics"].append({"code": code, "source": tmpl, "input": list(shape), "bad": bad, "good": good, "error": err, "goodOutput": good_out})

# ceil_mode: every small (size, kernel, stride, padding, dilation) PyTorch accepts, 1-d max pooling.
import torch.nn.functional as F
ceil = []
for size in range(1, 13):
    for k in range(1, 5):
        for st in range(1, 4):
            for d in (1, 2):
                for pad in range(0, ((k - 1) * d + 1) // 2 + 1):
                    try:
                        out = F.max_pool1d(torch.randn(1, 1, size), k, st, pad, d, ceil_mode=True)
                        ceil.append([size, k, st, pad, d, out.shape[-1]])
                    except RuntimeError:
                        pass
result["ceilMode"] = ceil

# Functional and tensor operations in forward: the output shape PyTorch gives.
OPS = [
    ("torch_flatten_default", "return torch.flatten(x)", (2, 3, 4, 5)),
    ("torch_flatten_1", "return torch.flatten(x, 1)", (2, 3, 4, 5)),
    ("view_size0", "return x.view(x.size(0), -1)", (2, 3, 4, 5)),
    ("reshape_shape", "return x.reshape(x.shape[0], x.shape[1], -1)", (2, 3, 4, 5)),
    ("flatten_method", "return x.flatten(2)", (2, 3, 4, 5)),
    ("size_index", "return x.view(-1, x.size()[1] * x.size(2) * x.shape[-1])", (2, 3, 4, 5)),
    ("permute", "return x.permute(0, 2, 3, 1)", (2, 3, 4, 5)),
    ("transpose", "return x.transpose(1, 2)", (2, 3, 4)),
    ("unsqueeze_squeeze", "return x.unsqueeze(1).squeeze(0)", (1, 3, 4)),
    ("squeeze_all", "return torch.squeeze(x)", (1, 3, 1, 4)),
    ("slice_last", "return x[:, -1, :]", (2, 7, 16)),
    ("slice_range", "return x[:, 1:5, ::2]", (2, 7, 16)),
    ("index_none", "return x[..., None]", (2, 7)),
    ("cat", "return torch.cat([x, x * 2], dim=1)", (2, 3, 4)),
    ("cat_neg", "return torch.cat((x, x), -1)", (2, 3, 4)),
    ("stack", "return torch.stack([x, x, x], dim=1)", (2, 3)),
    ("mean_dims", "return x.mean(dim=(2, 3))", (2, 3, 4, 5)),
    ("sum_keepdim", "return x.sum(1, keepdim=True)", (2, 3, 4)),
    ("max_dim", "return torch.max(x, dim=1)[0]", (2, 3, 4)),
    ("broadcast_add", "return x + x[:, :1]", (2, 3, 4)),
    ("matmul", "return x @ x.transpose(1, 2)", (2, 3, 4)),
    ("interpolate", "return F.interpolate(x, scale_factor=2, mode='nearest')", (1, 3, 5, 6)),
    ("interpolate_size", "return F.interpolate(x, size=(9, 11), mode='bilinear', align_corners=False)", (1, 3, 5, 6)),
    ("pad", "return F.pad(x, (1, 2, 3, 4))", (1, 3, 5, 6)),
    ("max_pool_f", "return F.max_pool2d(x, kernel_size=3, stride=2, ceil_mode=True)", (1, 3, 10, 11)),
    ("avg_pool_f", "return F.avg_pool2d(x, 2)", (1, 3, 9, 11)),
    ("adaptive_f", "return F.adaptive_avg_pool2d(x, 1).view(x.size(0), -1)", (2, 3, 9, 11)),
    ("chunk", "a, b = x.chunk(2, dim=1)\n        return a", (2, 6, 4)),
    ("split", "return torch.split(x, 4, dim=2)[-1]", (2, 6, 10)),
    ("split_sizes", "return torch.split(x, [3, 5], dim=1)[1]", (2, 8, 4)),
    ("split_sizes_method", "return x.split((1, 2, 3), -1)[2]", (2, 4, 6)),
    ("split_sizes_dim0", "return torch.split(x, [2, 1])[0]", (3, 5)),
    ("expand", "return x.expand(4, -1, 5)", (1, 3, 1)),
    ("repeat", "return x.repeat(2, 1, 3)", (1, 3, 2)),
    ("softmax", "return F.log_softmax(x, dim=1)", (2, 10)),
    ("pixel_shuffle_f", "return F.pixel_shuffle(x, 2)", (1, 8, 3, 3)),
    ("t", "return x.t()", (3, 5)),
    ("unbind", "return x.unbind(1)[0]", (2, 3, 4)),
    ("log2", "return torch.log2(x.abs() + 1)", (2, 3)),
    ("repeat_interleave", "return x.repeat_interleave(3, -2).repeat_interleave(2, dim=-1)", (2, 1, 4, 5)),
    ("repeat_interleave_flat", "return torch.repeat_interleave(x, 2)", (2, 3)),
    ("ne_scalar", "return x.ne(0).long().cumsum(1)", (2, 5)),
    ("gt_broadcast", "return torch.gt(x, x[:, :1])", (2, 3, 4)),
]
result["ops"] = []
for oid, body, shape in OPS:
    scope = {}
    exec(HEADER + "class Net(nn.Module):\n    def forward(self, x):\n        " + body + "\n", scope)
    with torch.no_grad():
        out = scope["Net"]()(torch.randn(*shape))
    result["ops"].append({"id": oid, "body": body, "input": list(shape), "output": list(out.shape)})

# Whole models: parameter totals (shared modules once) and every leaf-module call, by forward hooks.
MODELS = {
    "shared_and_parameter": """
class Net(nn.Module):
    def __init__(self, width=16):
        super().__init__()
        self.conv = nn.Conv2d(3, width, 3, padding=1)
        self.alias = self.conv
        self.scale = nn.Parameter(torch.ones(1, width, 1, 1))
        self.blocks = nn.ModuleList([nn.Conv2d(width, width, 3, padding=1) for _ in range(2)])
        self.heads = nn.ModuleDict({'a': nn.Linear(width, 4), 'b': nn.Linear(width, 2)})

    def forward(self, x):
        x = self.conv(x) * self.scale
        for blk in self.blocks:
            x = F.relu(blk(x))
        x = self.alias(x[:, :3])
        x = x.mean(dim=(2, 3))
        x = torch.cat([x, x, x, x, x, x], dim=1)[:, :16]
        return self.heads['a'](x), self.heads['b'](x)
""",
    "helper_and_block": """
def make_layers(cfg, in_ch=1):
    layers = []
    for v in cfg:
        if v == 'M':
            layers += [nn.MaxPool2d(2)]
        else:
            layers += [nn.Conv2d(in_ch, v, 3, padding=1), nn.ReLU(inplace=True)]
            in_ch = v
    return nn.Sequential(*layers)


class Block(nn.Module):
    def __init__(self, c_in, c_out, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.shortcut = nn.Sequential()
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        return F.relu(self.conv(x) + self.shortcut(x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = make_layers([8, 'M', 16])
        self.layer = nn.Sequential(Block(16, 16), Block(16, 32, stride=2))
        self.fc = nn.Linear(32 * 4 * 4, 10)

    def forward(self, x):
        x = self.layer(self.features(x))
        return self.fc(torch.flatten(x, 1))
""",
    "fstring_names": """
class Net(nn.Module):
    def __init__(self, depth=3):
        super().__init__()
        self.depth = depth
        ch = 1
        for i in range(depth):
            self.add_module(f"conv{i + 1}", nn.Conv2d(ch, 4 * (i + 1), 3, padding=1))
            ch = 4 * (i + 1)
        setattr(self, f"head_{'fc'}", nn.Linear(ch, 5))

    def forward(self, x):
        for i in range(self.depth):
            x = F.relu(getattr(self, f"conv{i + 1}")(x))
        return self.head_fc(x.mean(dim=(2, 3)))
""",
    "quantization_stubs": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = torch.ao.quantization.QuantStub()
        self.conv = nn.Conv2d(1, 4, 3)
        self.skip = nn.quantized.FloatFunctional()
        self.head = torch.quantization.QuantWrapper(nn.Linear(8, 5))
        self.dequant = torch.quantization.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        y = self.skip.add_relu(self.conv(x), self.conv(x))
        y = self.skip.cat([y, self.skip.mul_scalar(y, 2.0)], dim=1)
        return self.dequant(self.head(y.mean(dim=(2, 3))))
""",
    "replace_children": """
def _replace_relu(module):
    reassign = {}
    for name, mod in module.named_children():
        _replace_relu(mod)
        if type(mod) is nn.ReLU or type(mod) is nn.ReLU6:
            reassign[name] = nn.ReLU(inplace=False)
    for key, value in reassign.items():
        module._modules[key] = value


class Getter(nn.ModuleDict):
    def __init__(self, model, return_layers):
        if not set(return_layers).issubset([name for name, _ in model.named_children()]):
            raise ValueError("return_layers are not present in model")
        return_layers = {str(k): str(v) for k, v in return_layers.items()}
        layers = {}
        for name, module in model.named_children():
            layers[name] = module
            if name in return_layers:
                del return_layers[name]
            if not return_layers:
                break
        super().__init__(layers)

    def forward(self, x):
        for name, module in self.items():
            x = module(x)
        return x


class Body(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU6())
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(4, 2)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = Getter(Body(), {"pool": "out"})
        _replace_relu(self)

    def forward(self, x):
        return self.body(x)
""",
}
result["models"] = {}
for mid, src in MODELS.items():
    scope = {}
    exec(HEADER + src, scope)
    net = scope["Net"]().eval()
    calls = []
    names = {m: n for n, m in net.named_modules()}
    def hook(mod, inp, out):
        o = out[0] if isinstance(out, tuple) else out
        calls.append([names[mod], type(mod).__name__, list(o.shape)])
    for mod in net.modules():
        if len(list(mod.children())) == 0:
            mod.register_forward_hook(hook)
    with torch.no_grad():
        out = net(torch.randn(*({"shared_and_parameter": (2, 3, 16, 16)}.get(mid, (2, 1, 16, 16)))))
    outs = [list(o.shape) for o in out] if isinstance(out, tuple) else [list(out.shape)]
    result["models"][mid] = {"source": src, "input": list({"shared_and_parameter": (2, 3, 16, 16)}.get(mid, (2, 1, 16, 16))), "params": sum(p.numel() for p in net.parameters()), "calls": calls, "outputs": outs}

print(json.dumps(result, indent=1))
