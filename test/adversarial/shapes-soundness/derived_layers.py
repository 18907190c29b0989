# Class: coverage gap: classes derived from a torch.nn layer (LayerNorm2d(nn.LayerNorm), super().forward).
import torch
import torch.nn as nn
import torch.nn.functional as F


class LayerNorm2d(nn.LayerNorm):
    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class MyLinear(nn.Linear):
    def __init__(self, i, o):
        super().__init__(i, o, bias=False)

    def forward(self, x):
        return super().forward(x) * 2


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.norm = LayerNorm2d(8)
        self.fc = MyLinear(8, 5)

    def forward(self, x):
        x = self.norm(self.conv(x))
        return self.fc(x.mean((2, 3)))
