# Records what PyTorch 1.13 does with layers whose weights are the file's own tensors (F.conv2d with an
# nn.Parameter) or are re-parametrised (nn.utils.weight_norm, spectral_norm): each case's output shape,
# sum(p.numel() for p in set(model.parameters())) and the parameter names, for weights.test.ts.
# Run with Debian's torch: /usr/bin/python3 test/unit/shapes/weights-truth.py > test/unit/shapes/weights-truth.json
import json
import torch
import torch.nn as nn
import torch.nn.functional as F

HEADER = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"

CASES = [
    # id, source defining Net (its forward takes one tensor), input shape
    ("conv2d_param", """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(6, 2, 3, 3))
        self.bias = nn.Parameter(torch.zeros(6))

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, 2, 1, 1, 2)
""", (2, 4, 9, 8)),
    ("conv2d_tensor_attrs", """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = torch.rand(3, 3, 3, 3)
        self.bias = torch.rand(3)
        self.stride = (1, 1)
        self.padding = (0, 0)
        self.dilation = (1, 1)
        self.groups = 1

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
""", (1, 3, 5, 5)),
    ("conv2d_same_keywords", """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.rand(5, 3, 4, 3))

    def forward(self, x):
        return F.conv2d(x, self.w, padding='same', dilation=2)
""", (2, 3, 11, 12)),
    ("conv1d_dilation", """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.rand(8, 4, 5))

    def forward(self, x):
        return torch.conv1d(x, self.w, None, 3, 2, 2)
""", (2, 4, 40)),
    ("conv3d_unbatched", """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.rand(4, 2, 1, 3, 3))

    def forward(self, x):
        return F.conv3d(x, self.w, stride=(1, 2, 2))
""", (2, 5, 9, 9)),
    ("conv_transpose2d_groups", """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.rand(4, 3, 3, 3))
        self.b = nn.Parameter(torch.zeros(6))

    def forward(self, x):
        return F.conv_transpose2d(x, self.w, self.b, stride=2, padding=1, output_padding=1, groups=2)
""", (2, 4, 5, 7)),
    ("conv_transpose1d_dilation", """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.rand(3, 2, 4))

    def forward(self, x):
        return F.conv_transpose1d(x, self.w, None, 3, 0, 0, 1, 2)
""", (2, 3, 10)),
    ("weight_norm_conv1d_dim2", """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(8, 8, kernel_size=5, padding=2, groups=4)
        self.conv = nn.utils.weight_norm(self.conv, name="weight", dim=2)
        self.out = nn.Linear(8, 3)

    def forward(self, x):
        return self.out(F.gelu(self.conv(x)).transpose(1, 2))
""", (2, 8, 11)),
    ("weight_norm_default_dim_and_none", """
from torch.nn.utils import weight_norm


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = weight_norm(nn.Linear(6, 5))
        self.b = weight_norm(nn.Linear(5, 4), dim=None)
        self.c = nn.utils.weight_norm(nn.Conv2d(4, 3, 3), dim=-2)
        self.d = nn.utils.weight_norm(nn.Linear(4, 2, bias=False), dim=-1)

    def forward(self, x):
        x = self.b(self.a(x))
        return self.d(self.c(x[:, :, None, None].expand(-1, -1, 5, 5)).mean((2, 3)).repeat(1, 2)[:, :4])
""", (2, 6)),
    ("weight_norm_parameter_attribute", """
class Scale(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n, 3))

    def forward(self, x):
        return x @ self.weight


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.s = nn.utils.weight_norm(Scale(4), dim=1)

    def forward(self, x):
        return self.s(x)
""", (2, 4)),
    ("weight_norm_removed", """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.utils.weight_norm(nn.Linear(6, 5))
        self.b = nn.utils.weight_norm(nn.Linear(5, 4), "weight", 1)
        nn.utils.remove_weight_norm(self.a)

    def forward(self, x):
        return self.b(self.a(x))
""", (2, 6)),
    ("spectral_norm", """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.utils.spectral_norm(nn.Linear(6, 5))
        self.b = nn.utils.spectral_norm(nn.Conv1d(5, 4, 3), dim=1)

    def forward(self, x):
        return self.b(self.a(x).unsqueeze(-1).expand(-1, -1, 7))
""", (2, 6)),
]

result = []
for cid, body, shape in CASES:
    scope = {}
    exec(HEADER + body, scope)
    net = scope["Net"]()
    with torch.no_grad():
        out = net(torch.randn(*shape))
    result.append(
        {
            "id": cid,
            "source": body.strip("\n") + "\n",
            "input": list(shape),
            "output": list(out.shape),
            "params": sum(p.numel() for p in set(net.parameters())),
            "names": [n for n, _ in net.named_parameters()],
        }
    )
print(json.dumps({"torch": torch.__version__, "cases": result}, indent=1))
