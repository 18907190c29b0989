# [0] * 10**9: a billion list elements in one operation.
import torch.nn as nn

sizes = [0] * 10**9

# input: (1, 10)
model = nn.Sequential(nn.Linear(10, len(sizes)))
