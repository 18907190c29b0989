# 20,000 layers in a ModuleList: exact (2,200,033 parameters in PyTorch 1.13), never silently empty.
import torch
import torch.nn as nn


# input: (1, 10)
class Deep(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(10, 10) for _ in range(20000)])
        self.head = nn.Linear(10, 3)

    def forward(self, x):
        return self.head(x)


model = Deep()
