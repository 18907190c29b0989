# Strings doubled by concatenation and by f-strings.
import torch.nn as nn

s = "ab"
t = "cd"
for i in range(80):
    s = s + s
    t = f"{t}{t}"

# input: (1, 10)
model = nn.Sequential(nn.Linear(10, len(s)), nn.Linear(10, len(t)))
