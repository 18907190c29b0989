// Diagnostics of Hamiltonian samplers beyond the draws themselves: E-BFMI from the energy of each
// kept state (Betancourt 2016), and how often NUTS stopped at its maximum tree depth.

/**
 * E-BFMI of one chain: mean of (E_n − E_{n−1})² over the mean squared deviation of E (ArviZ's
 * `bfmi`). Below 0.3 the momentum resampling explores the energy levels too slowly: the chain
 * cannot reach the tails in reasonable time. NaN when it cannot be estimated (fewer than 3 draws,
 * constant or non-finite energy).
 */
export function ebfmi(energy: ArrayLike<number>): number {
  const n = energy.length;
  if (n < 3) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += energy[i];
  mean /= n;
  let num = 0,
    den = 0;
  for (let i = 0; i < n; i++) {
    den += (energy[i] - mean) ** 2;
    if (i > 0) num += (energy[i] - energy[i - 1]) ** 2;
  }
  const v = num / (n - 1) / (den / n);
  return Number.isFinite(v) && den > 0 ? v : NaN;
}
