# Class: a training loop flattens the images before the model; the dataset guess follows the reshape.
import torch
import torch.nn as nn
import torchvision


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def train():
    data = torchvision.datasets.MNIST(root='data', train=True, download=True)
    loader = torch.utils.data.DataLoader(data, batch_size=100)
    model = MLP()
    for images, labels in loader:
        images = images.reshape(-1, 28 * 28)
        model(images)


if __name__ == '__main__':
    train()
