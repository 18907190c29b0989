# torchaudio's Emformer: torch.cat skips 1-d tensors of size 0 (PyTorch's legacy rule), so an empty
# summary or memory joins a 3-d tensor without a dimension error.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        summary = torch.empty(0)
        y = torch.cat([summary, x, summary])
        return self.fc(torch.cat([x, y]))


class Sized(nn.Module):
    # A 1-d tensor whose size is symbolic may be empty: cat with it is unknown, not an error.
    def __init__(self, n=0):
        super().__init__()
        self.n = n
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        memory = torch.zeros(x.size(0) * self.n)
        return self.fc(torch.cat([x, memory]))
