// The tuning controls' limits, checked before anything runs. Each control is optional: absent is
// "auto" (warm-up adapts it). The limits keep a typo from hanging a run: a step size of 1e-300
// would need forever to move, 10⁶ leapfrog steps per draw or a depth-30 tree as long.
import { SamplingInputError } from './errors';
import type { SamplerTuning } from './types';

export const MAX_LEAPFROG_STEPS = 1000;
export const MAX_TREE_DEPTH = 15;

/** One line per control: its name, what it accepts and its automatic value (help texts use it). */
export const TUNING_HELP: Record<keyof SamplerTuning, string> = {
  mhScale: 'MH proposal sd per axis, > 0 (auto: adapted in warm-up)',
  stepSize: 'HMC/NUTS step size, > 0 (auto: dual averaging in warm-up)',
  steps: `HMC leapfrog steps per draw, 1–${MAX_LEAPFROG_STEPS} (auto: about π/2 ÷ step size, jittered)`,
  targetAccept: 'HMC/NUTS dual averaging target, 0 < a < 1 (auto: 0.65 HMC, 0.8 NUTS)',
  maxDepth: `NUTS maximum tree depth, 1–${MAX_TREE_DEPTH} (auto: 10)`,
};

export function validateTuning(t: SamplerTuning | undefined): void {
  if (!t) return;
  const bad = (what: string, v: unknown): never => {
    throw new SamplingInputError(`${what}, not ${String(v)}; leave it out for auto`);
  };
  const positive = (v: number | undefined): boolean =>
    v === undefined || (typeof v === 'number' && v > 0 && v < 1e100);
  if (!positive(t.mhScale)) bad('the MH proposal scale must be a number > 0', t.mhScale);
  if (!positive(t.stepSize) || (t.stepSize !== undefined && t.stepSize < 1e-8))
    bad('the step size must be a number from 1e-8 up', t.stepSize);
  const whole = (v: number | undefined, lo: number, hi: number): boolean =>
    v === undefined || (Number.isInteger(v) && v >= lo && v <= hi);
  if (!whole(t.steps, 1, MAX_LEAPFROG_STEPS))
    bad(`the leapfrog steps must be a whole number from 1 to ${MAX_LEAPFROG_STEPS}`, t.steps);
  if (!whole(t.maxDepth, 1, MAX_TREE_DEPTH))
    bad(`the maximum tree depth must be a whole number from 1 to ${MAX_TREE_DEPTH}`, t.maxDepth);
  if (t.targetAccept !== undefined && !(t.targetAccept > 0 && t.targetAccept < 1))
    bad('the target acceptance must be between 0 and 1 (exclusive)', t.targetAccept);
}
