# A list that holds itself twice, sixty times over: 2**60 paths for anything that walks it.
import torch
import torch.nn as nn

x = [0]
for i in range(60):
    x = [x, x]
same = x == x


# input: (1, 10)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 10)

    def forward(self, t):
        y = [t]
        for i in range(60):
            y = [y, y]
        return self.fc(t), y


net = Net()
