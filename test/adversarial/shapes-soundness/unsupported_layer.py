# Class: a torch.nn layer the engine has no rule for, inside a Sequential.
import torch.nn as nn

model = nn.Sequential(nn.Unfold(2, stride=2), nn.Linear(256, 10))
