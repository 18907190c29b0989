"""A multilayer perceptron for MNIST: the MLP that Tensor Lens compares with a CNN."""
import torch.nn as nn


# input: (64, 1, 28, 28)
class MLP(nn.Module):
    def __init__(self, hidden=512, classes=10):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(28 * 28, hidden)
        self.fc2 = nn.Linear(hidden, hidden // 2)
        self.fc3 = nn.Linear(hidden // 2, classes)
        self.act = nn.ReLU()

    def forward(self, x):
        x = self.flatten(x)
        x = self.act(self.fc1(x))
        x = self.act(self.fc2(x))
        return self.fc3(x)
