# A loop that ends, but only after a billion iterations: n is unknown, not the count at the cap.
import torch.nn as nn

n = 0
while n < 10**9:
    n += 1

# input: (1, 10)
model = nn.Sequential(nn.Linear(10, n))
