# Endless recursion, and a doubly recursive function with 2**40 calls.
import torch.nn as nn


def down(n):
    return down(n + 1)


def fib(n):
    if n < 2:
        return 1
    return fib(n - 1) + fib(n - 2)


a = down(0)
b = fib(40)

# input: (1, 10)
model = nn.Sequential(nn.Linear(10, a))
