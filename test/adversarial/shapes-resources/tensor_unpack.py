# Unpacking, unbinding and splitting a tensor of a billion rows would make a billion values;
# split(0) would never end.
import torch
import torch.nn as nn

big = torch.zeros(10**9, 10)
first, *rest = big
parts = big.unbind(0)
pieces = big.split(1)
zero = torch.zeros(4, 10).split(0)

# input: (1, 10)
model = nn.Sequential(
    nn.Linear(10, len(rest)),
    nn.Linear(10, len(parts)),
    nn.Linear(10, len(pieces)),
    nn.Linear(10, len(zero)),
)
