"""A small CNN written as nn.Sequential: the built-in CNN of `tensor-lens train --model cnn`."""
import torch.nn as nn

# input: (64, 1, 28, 28)
cnn = nn.Sequential(
    nn.Conv2d(1, 32, kernel_size=3),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(32, 64, kernel_size=3),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(64 * 5 * 5, 128),
    nn.ReLU(),
    nn.Linear(128, 10),
)
