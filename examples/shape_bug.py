"""A CNN with a deliberate shape bug, to show Tensor Lens's diagnostic and its quick fix.

BUG (on purpose): fc1 expects 1600 input features, but after two 3x3 convolutions
and one 2x2 max-pool a 28x28 image flattens to 64 * 12 * 12 = 9216. PyTorch would
raise "mat1 and mat2 shapes cannot be multiplied (1x9216 and 1600x128)" at run time.
Tensor Lens underlines 1600; the quick fix (Ctrl+.) replaces it with 9216.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


# input: (1, 1, 28, 28)
class BuggyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(1600, 128)  # deliberate bug: should be 9216
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)
