// The model file three benches analyse: a user's wrapper of torchvision's resnet18, read in place
// from Debian's python3-torchvision (the imports path of issue 17).

/** Where Debian installs torch and torchvision. */
export const DEBIAN_SITE = '/usr/lib/python3/dist-packages';

export const WRAP_RESNET = `import torch
import torch.nn as nn
import torchvision


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.m = torchvision.models.resnet18(weights=None)
        self.m.fc = nn.Linear(512, 10)

    def forward(self, x):
        return self.m(x)


Net()(torch.randn(1, 3, 224, 224))
`;
