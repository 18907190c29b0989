# Class: an unknown callable (an imported class) used as a module. It must not pass its input through.
import torch
import torch.nn as nn
from external_blocks import ImportedBlock


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(ImportedBlock(3, 64), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool(self.features(x))
        return self.fc(torch.flatten(x, 1))
