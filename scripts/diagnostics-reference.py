#!/usr/bin/python3
"""Reference values for the sampling diagnostics, computed independently of the TypeScript.

Implements, in numpy only, the formulas of Vehtari, Gelman, Simpson, Carpenter & Buerkner (2021),
"Rank-normalization, folding, and localization: an improved R-hat for assessing convergence of
MCMC", in the form ArviZ implements them (ArviZ itself is not installable here):

- split chains (first and last floor(N/2) draws), rank normalisation with average ranks and
  z = Phi^-1((r - 3/8) / (S + 1/4)) over all pooled draws;
- R-hat = sqrt(((N-1)/N W + B/N) / W); rank-normalised split R-hat = max(bulk, folded tail);
- ESS by FFT autocovariance (numpy.fft.rfft), Geyer's initial positive and initial monotone
  sequences, tau >= 1/log10(MN);
- bulk ESS, tail ESS = min ESS of 1[x <= q05], 1[x <= q95];
- MCSE of the mean = sd(ddof 1) / sqrt(ESS of the raw split draws);
- MCSE of a quantile from the 0.1586553 and 0.8413447 quantiles of
  Beta(ESS p + 1, ESS (1 - p) + 1) (here by numerical integration of the Beta density, not the
  continued fraction the TypeScript uses), indices clamped to the draws;
- E-BFMI per chain = mean of squared energy differences / variance of the energy (ddof 0).

Where this departs from ArviZ it says so: ArviZ returns ESS = S for a constant series, both
implementations here return NaN (nothing to estimate from), and the fixtures avoid that case.

Run: /usr/bin/python3 scripts/diagnostics-reference.py > test/unit/sampling/diagnostics-reference.json
"""
import json
import math
from statistics import NormalDist

import numpy as np

PHI_INV = NormalDist().inv_cdf


def split_chains(a):
    half = a.shape[1] // 2
    return np.concatenate((a[:, :half], a[:, a.shape[1] - half:]), axis=0)


def average_ranks(v):
    flat = v.ravel()
    order = np.argsort(flat, kind="mergesort")
    sorted_v = flat[order]
    ranks = np.empty(flat.size)
    i = 0
    while i < flat.size:
        j = i
        while j + 1 < flat.size and sorted_v[j + 1] == sorted_v[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks.reshape(v.shape)


def z_scale(a):
    s = a.size
    r = average_ranks(a)
    return np.vectorize(lambda x: PHI_INV((x - 0.375) / (s + 0.25)))(r)


def rhat_basic(a):
    n = a.shape[1]
    b = n * np.var(a.mean(axis=1), ddof=1)
    w = np.mean(np.var(a, axis=1, ddof=1))
    return math.sqrt((b / w + n - 1) / n)


def autocov(a):
    n = a.shape[1]
    m = 1
    while m < 2 * n:
        m *= 2
    c = a - a.mean(axis=1, keepdims=True)
    f = np.fft.rfft(c, n=m, axis=1)
    return np.fft.irfft(f * np.conj(f), n=m, axis=1)[:, :n] / n


def ess(a):
    a = np.asarray(a, dtype=float)
    m_chains, n = a.shape
    if np.max(a) == np.min(a):
        return float("nan")
    acov = autocov(a)
    mean_var = acov[:, 0].mean() * n / (n - 1)
    var_plus = mean_var * (n - 1) / n
    if m_chains > 1:
        var_plus += np.var(a.mean(axis=1), ddof=1)
    rho = np.zeros(n)
    rho_even = 1.0
    rho[0] = rho_even
    rho_odd = 1 - (mean_var - acov[:, 1].mean()) / var_plus
    rho[1] = rho_odd
    t = 1
    while t < n - 3 and rho_even + rho_odd > 0:
        rho_even = 1 - (mean_var - acov[:, t + 1].mean()) / var_plus
        rho_odd = 1 - (mean_var - acov[:, t + 2].mean()) / var_plus
        if rho_even + rho_odd >= 0:
            rho[t + 1] = rho_even
            rho[t + 2] = rho_odd
        t += 2
    max_t = t - 2
    if rho_even > 0:
        rho[max_t + 1] = rho_even
    t = 1
    while t <= max_t - 2:
        if rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]:
            rho[t + 1] = (rho[t - 1] + rho[t]) / 2
            rho[t + 2] = rho[t + 1]
        t += 2
    total = m_chains * n
    tau = -1 + 2 * rho[: max_t + 1].sum() + rho[max_t + 1: max_t + 2].sum()
    tau = max(tau, 1 / math.log10(total))
    return total / tau


def beta_ppf(probs, a, b):
    """Beta quantiles by trapezoid integration of the density on a fine grid around its mass."""
    mu = a / (a + b)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    lo, hi = max(0.0, mu - 40 * sd), min(1.0, mu + 40 * sd)
    x = np.linspace(lo, hi, 2_000_001)[1:-1]
    logc = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    f = np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) + logc)
    cdf = np.concatenate([[0.0], np.cumsum((f[1:] + f[:-1]) / 2 * np.diff(x))])
    cdf /= cdf[-1]
    return [float(np.interp(p, cdf, x)) for p in probs]


def quantile_stats(a, prob):
    q = float(np.quantile(a, prob))
    e = ess(split_chains((a <= q).astype(float)))
    p_lo, p_hi = beta_ppf([0.1586553, 0.8413447], e * prob + 1, e * (1 - prob) + 1)
    s = np.sort(a.ravel())
    size = s.size
    i1 = min(size - 1, max(0, math.floor(p_lo * size - 1)))
    i2 = min(size - 1, max(0, math.ceil(p_hi * size - 1)))
    return q, e, (s[i2] - s[i1]) / 2


def summarize(a):
    split = split_chains(a)
    z = z_scale(split)
    med = np.median(a)
    z_tail = z_scale(split_chains(np.abs(a - med)))
    rb, rt = rhat_basic(z), rhat_basic(z_tail)
    q05, e05, m05 = quantile_stats(a, 0.05)
    q95, e95, m95 = quantile_stats(a, 0.95)
    e_mean = ess(split)
    sd = float(np.std(a, ddof=1))
    return {
        "rhat": max(rb, rt),
        "rhatBulk": rb,
        "rhatTail": rt,
        "essBulk": ess(z),
        "essTail": min(e05, e95),
        "mean": float(a.mean()),
        "sd": sd,
        "essMean": e_mean,
        "mcseMean": sd / math.sqrt(e_mean),
        "q05": q05,
        "q95": q95,
        "mcseQ05": m05,
        "mcseQ95": m95,
    }


def ebfmi(energy):
    e = np.atleast_2d(energy)
    return (np.square(np.diff(e, axis=1)).mean(axis=1) / np.var(e, axis=1)).tolist()


def ar1(rng, m, n, phi, offsets=None, heavy=False):
    out = np.empty((m, n))
    for c in range(m):
        eps = rng.standard_t(3, n) if heavy else rng.standard_normal(n)
        x = 0.0
        for i in range(n):
            x = phi * x + eps[i]
            out[c, i] = x
        if offsets is not None:
            out[c] += offsets[c]
    return np.round(out, 6)


def main():
    rng = np.random.default_rng(20260518)
    cases = [
        ("iid normal, 4 chains", np.round(rng.standard_normal((4, 400)), 6)),
        ("AR(1) phi 0.9, 4 chains", ar1(rng, 4, 400, 0.9)),
        ("AR(1) phi 0.5, odd length", ar1(rng, 3, 401, 0.5)),
        ("chains that disagree", ar1(rng, 4, 300, 0.7, offsets=[0, 0, 0.8, -0.8])),
        ("heavy tails, t(3)", ar1(rng, 2, 500, 0.3, heavy=True)),
        ("ties (rounded to 0.5)", np.round(ar1(rng, 4, 250, 0.6) * 2) / 2),
        ("one chain", ar1(rng, 1, 600, 0.8)),
        ("antithetic, phi -0.6", ar1(rng, 2, 400, -0.6)),
    ]
    energies = [
        ("well mixed energy", np.round(rng.standard_normal((2, 500)) * 1.3 + 5, 6)),
        ("sticky energy (low E-BFMI)", ar1(rng, 2, 500, 0.97) + 10),
    ]
    out = {
        "about": "scripts/diagnostics-reference.py: numpy implementation of Vehtari et al. 2021",
        "cases": [{"name": n, "draws": a.tolist(), "expected": summarize(a)} for n, a in cases],
        "energy": [{"name": n, "energy": e.tolist(), "ebfmi": ebfmi(e)} for n, e in energies],
    }
    print(json.dumps(out, separators=(",", ":")))


if __name__ == "__main__":
    main()
