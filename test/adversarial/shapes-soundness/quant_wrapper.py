# torch.testing._internal.common_quantization: layers wrapped in torch.quantization's QuantWrapper.
# The wrapper holds the Linear plus quant/dequant stubs, which are the identity until a model is
# converted: the analyser builds them as torch writes them, so every model here is exact. (Before it
# knew them, the wrapper was an opaque module: unknown, never a total that left it out.)
import torch
from torch.quantization import QuantStub, DeQuantStub, QuantWrapper


class Single(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.qconfig = torch.quantization.get_default_qconfig('fbgemm')
        self.fc1 = QuantWrapper(torch.nn.Linear(5, 5).to(dtype=torch.float))

    def forward(self, x):
        return self.fc1(x)


class Two(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(5, 8).to(dtype=torch.float)
        self.fc2 = QuantWrapper(torch.nn.Linear(8, 5).to(dtype=torch.float))

    def forward(self, x):
        x = self.fc1(x)
        return self.fc2(x)


class Stubs(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = QuantStub()
        self.fc = torch.nn.Linear(5, 5)
        self.dequant = DeQuantStub()

    def forward(self, x):
        return self.dequant(self.fc(self.quant(x)))


class Configured(torch.nn.Module):
    # A qconfig is a configuration, not a module: this model stays exact.
    def __init__(self):
        super().__init__()
        self.qconfig = torch.quantization.get_default_qconfig('fbgemm')
        self.fc1 = torch.nn.Linear(5, 5).to(dtype=torch.float)

    def forward(self, x):
        return self.fc1(x)
