# A slice of a tensor with a billion rows (only its length matters), and a 100,000-item list copied
# by slicing 50,000 times.
import torch
import torch.nn as nn

half = torch.zeros(10**9, 4)[::2].shape[0]
xs = list(range(100000))
for i in range(50000):
    ys = xs[::1]

# input: (1, 10)
model = nn.Sequential(nn.Linear(10, half // 10**7), nn.Linear(50, len(ys)))
