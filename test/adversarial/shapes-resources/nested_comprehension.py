# Comprehensions nested three deep: 10**9 elements; a thousand rows of 100,000 each. len(rows) is
# exact (1,000 rows, each unknown), a row's length is not.
import torch.nn as nn

grid = [[[0 for k in range(1000)] for j in range(1000)] for i in range(1000)]
rows = [[0] * 100000 for i in range(1000)]

# input: (1, 10)
model = nn.Sequential(nn.Linear(10, len(rows)), nn.Linear(1000, len(grid)), nn.Linear(10, len(rows[-1])))
