# A string of 10**8 characters, iterated character by character.
import torch.nn as nn

s = "a" * 10**8
n = 0
for c in s:
    n += 1

# input: (1, 10)
model = nn.Sequential(nn.Linear(10, n))
