# Class: chained comparisons. `0 < p < 1` is `0 < p and p < 1`, so p = 0.5 chooses 64.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        width = 64 if 0 < p < 1 else 32
        extra = 4 if 1 < p <= 2 else 2
        self.fc = nn.Linear(10, width + extra)

    def forward(self, x):
        return self.fc(x)
