// Model files the runner tests train: small, so a test epoch takes seconds on a shared CPU.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SMALL_CNN = `import sys
import torch
import torch.nn as nn
import torch.nn.functional as F

# The runner imports this file: sys.argv is the file alone, and the __main__ block never runs.
assert sys.argv == [__file__], sys.argv


class SmallNet(nn.Module):
    def __init__(self, channels, hidden=32, drop=0.0):
        super().__init__()
        self.conv = nn.Conv2d(1, channels, 3)
        self.fc1 = nn.Linear(channels * 13 * 13, hidden)
        self.drop = nn.Dropout(drop)
        self.fc2 = nn.Linear(hidden, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc2(self.drop(F.relu(self.fc1(x))))


def make_model():
    return SmallNet(4, hidden=24, drop=0.1)


if __name__ == "__main__":
    raise SystemExit("the __main__ block ran")
`;

export const BROKEN = `import torch.nn as nn


# input: (1, 1, 28, 28)
class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)

    def forward(self, x):
        x = x.flatten(1)
        raise ValueError("boom from the user's forward")
        return self.fc(x)
`;

export function writeModel(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-pt-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
