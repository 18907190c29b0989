# Star-unpacking doubles the list each time round.
import torch.nn as nn

x = [1, 2]
for i in range(100):
    x = [*x, *x]

# input: (1, 10)
model = nn.Sequential(nn.Linear(10, len(x)))
