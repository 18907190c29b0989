# A range of ten million: the loop's variables are unknown.
import torch.nn as nn

width = 8
for i in range(10**7):
    width = i

# input: (1, 10)
model = nn.Sequential(nn.Linear(10, width))
