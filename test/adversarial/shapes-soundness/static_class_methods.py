# Class: @staticmethod and @classmethod called through self and cls (self is not their first argument).
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, self.double(8))
        self.fc2 = nn.Linear(16, Net.make(3))

    @staticmethod
    def double(n):
        return 2 * n

    @classmethod
    def make(cls, n):
        return cls.double(n) + 1

    def forward(self, x):
        return self.fc2(self.fc1(x))
