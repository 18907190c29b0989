# A loop that never ends: n after it is unknown, not the count at the analyser's cap.
import torch.nn as nn

n = 1
while True:
    n += 1

# input: (1, 10)
model = nn.Sequential(nn.Linear(10, n))
