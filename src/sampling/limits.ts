// Limits the command line checks before it loads the samplers (`tensor-lens sample --help` and bad
// flags answer without parsing mathjs), kept apart from src/sampling/index.ts for that reason.

/** Warm-up only tunes step sizes; past this it is time spent for nothing (and a typo's hour). */
export const MAX_WARMUP = 100_000;
