"""Checks the rule the shape engine uses for the values of constant tensors (library/ops/values.ts):
PyTorch's float32 pow of an exact positive base to a non-negative integer power returns the true
result whenever float32 holds it. Prints the number of cases tried and of mismatches; exits 1 on any.

    /usr/bin/python3 scripts/check-float32-pow.py
"""
import sys

import torch


def odd_mantissa(b):
    m = b
    while m != int(m):
        m *= 2
    m = int(m)
    while m % 2 == 0:
        m //= 2
    return m


def main():
    bases = [m * 2.0**e for m in range(1, 4096, 2) for e in range(-12, 6)]
    b64 = torch.tensor(bases, dtype=torch.float64)
    b32 = b64.float()
    tried = mismatches = 0
    for k in range(0, 12):
        held = torch.tensor(
            [odd_mantissa(b) ** k < 2**24 and 1.2e-38 < b**k < 3e38 for b in bases]
        )
        true = b64[held] ** k
        exps = torch.full((len(bases),), float(k))
        results = [torch.pow(b32, exps)[held], torch.pow(b32, float(k))[held]]
        # A Python number as the base (torchvision's RegNet: torch.pow(w_m, block_capacity)).
        some = b64[held].tolist()[:2000]
        results.append(torch.stack([torch.pow(b, exps[:1])[0] for b in some]))
        for r in results:
            tried += len(r)
            mismatches += int((r.double() != true[: len(r)]).sum())
    print(f"float32 pow: {tried} cases, {mismatches} mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
