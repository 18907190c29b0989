// The sampling tuning settings as the engine's SamplerTuning. Each setting is text: "auto" (the
// default: warm-up adapts it) or a number. Text that is neither reads as auto, like any setting of
// the wrong type; the engine checks a number's range and says what is wrong with it.
import type { SampleRequestParams, SamplerName, SamplerTuning } from '../sampling/types';
import { SAMPLER_TABLE } from '../sampling/samplers';
import type { Settings } from './settings';

const KEYS = {
  'sampling.mhScale': 'mhScale',
  'sampling.stepSize': 'stepSize',
  'sampling.leapfrogSteps': 'steps',
  'sampling.targetAccept': 'targetAccept',
  'sampling.maxDepth': 'maxDepth',
} as const;

/** Which samplers read each tuning control: the form shows a sampler only these, and a setting
 * reaches only these, so a bad setting for one sampler cannot fail another's run. */
export const TUNING_SAMPLERS: Record<keyof SamplerTuning, readonly SamplerName[]> = {
  mhScale: ['mh'],
  stepSize: ['hmc', 'nuts'],
  steps: ['hmc'],
  targetAccept: ['hmc', 'nuts'],
  maxDepth: ['nuts'],
};

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

/**
 * The request with the settings under the form, field by field (`{ ...settings, ...form }`): a
 * field the user set wins, a field left on auto takes its setting, else it stays auto. Only the
 * sampler's own fields take a setting, and the warm-up only for a Markov chain.
 */
export function withTuningSettings(params: SampleRequestParams, s: Settings): SampleRequestParams {
  const set = tuningFromSettings(s);
  const own: SamplerTuning = {};
  for (const [key, samplers] of Object.entries(TUNING_SAMPLERS) as [
    keyof SamplerTuning,
    readonly SamplerName[],
  ][]) {
    const v = set.tuning?.[key];
    if (v !== undefined && samplers.includes(params.sampler)) own[key] = v;
  }
  const tuning = { ...own, ...params.tuning };
  const out: SampleRequestParams = { ...params };
  if (Object.keys(tuning).length) out.tuning = tuning;
  const mcmc = SAMPLER_TABLE[params.sampler].kind === 'mcmc';
  if (out.warmup === undefined && mcmc && set.warmup !== undefined) out.warmup = set.warmup;
  return out;
}
