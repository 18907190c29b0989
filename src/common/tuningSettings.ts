// The sampling tuning settings as the engine's SamplerTuning. Each setting is text: "auto" (the
// default: warm-up adapts it) or a number. Text that is neither reads as auto, like any setting of
// the wrong type; the engine checks a number's range and says what is wrong with it.
import type { SamplerTuning } from '../sampling/types';
import type { Settings } from './settings';

const KEYS = {
  'sampling.mhScale': 'mhScale',
  'sampling.stepSize': 'stepSize',
  'sampling.leapfrogSteps': 'steps',
  'sampling.targetAccept': 'targetAccept',
  'sampling.maxDepth': 'maxDepth',
} as const;

/** "auto" (or anything not a plain number) → undefined. */
export function autoOrNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return undefined;
  return Number(t);
}

export function tuningFromSettings(s: Settings): { tuning?: SamplerTuning; warmup?: number } {
  const tuning: SamplerTuning = {};
  for (const [key, field] of Object.entries(KEYS) as [keyof typeof KEYS, keyof SamplerTuning][]) {
    const v = autoOrNumber(s[key]);
    if (v !== undefined) tuning[field] = v;
  }
  const warmup = autoOrNumber(s['sampling.warmup']);
  return { tuning: Object.keys(tuning).length ? tuning : undefined, warmup };
}
