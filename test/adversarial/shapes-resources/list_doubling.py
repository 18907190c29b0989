# The three-line file: x = x + x a hundred times would be 2**100 elements.
import torch.nn as nn

x = [1]
for i in range(100):
    x = x + x

# input: (1, 10)
model = nn.Sequential(nn.Linear(10, len(x)))
