# A million-element list, twenty times: each fits alone, together they are over the file's budget.
import torch.nn as nn

for i in range(20):
    x = [0] * 1000000

# input: (1, 10)
model = nn.Sequential(nn.Linear(10, len(x)))
