// The tuning controls as form fields, shared by the Sampling tab's form and the playground: which
// fields each sampler has, the automatic value each shows, and the one reading of their text into
// the request's `tuning` and `warmup` (the same params the CLI's --mh-scale, --step-size, --steps,
// --target-accept, --max-depth and --warmup set). Blank or "auto" is auto; the engine checks ranges.
import type { SamplerName, SamplerTuning } from '../src/common/messages';
import { SAMPLER_TABLE } from '../src/common/messages';

/** The tuning controls: their label, the automatic value shown, and the samplers that use them. */
export const TUNING_FIELDS: {
  key: keyof SamplerTuning;
  label: string;
  auto: string;
  for: readonly SamplerName[];
}[] = [
  { key: 'mhScale', label: 'MH scale', auto: 'auto (adapted)', for: ['mh'] },
  { key: 'stepSize', label: 'step size', auto: 'auto (dual averaging)', for: ['hmc', 'nuts'] },
  { key: 'steps', label: 'leapfrog steps', auto: 'auto (≈ π/2 ÷ step)', for: ['hmc'] },
  {
    key: 'targetAccept',
    label: 'target acceptance',
    auto: 'auto (0.65 HMC, 0.8 NUTS)',
    for: ['hmc', 'nuts'],
  },
  { key: 'maxDepth', label: 'max depth', auto: 'auto (10)', for: ['nuts'] },
];

/** The warm-up field's automatic value, as the engine chooses it. */
export const WARMUP_AUTO = 'auto (n/2, at least 200)';

export type TuningText = Record<keyof SamplerTuning, string>;

/** Every field blank (auto). */
export function emptyTuningText(): TuningText {
  return { mhScale: '', stepSize: '', steps: '', targetAccept: '', maxDepth: '' };
}

/** Whether a sampler has a warm-up (Markov chains do; i.i.d. samplers have nothing to adapt). */
export function hasWarmup(sampler: SamplerName): boolean {
  return SAMPLER_TABLE[sampler].kind === 'mcmc';
}

/** The fields a sampler shows. */
export function tuningFieldsFor(sampler: SamplerName): typeof TUNING_FIELDS {
  return TUNING_FIELDS.filter((f) => f.for.includes(sampler));
}

/** "", "auto" → undefined; a plain number → it; anything else → NaN. */
export function fieldNumber(t: string): number | undefined {
  const s = t.trim();
  if (s === '' || s.toLowerCase() === 'auto') return undefined;
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) ? Number(s) : NaN;
}

/**
 * The request's tuning and warm-up for `sampler` from the fields' text, or a one-line error naming
 * the field. Only that sampler's fields are read, so "run every sampler" can share one form.
 */
export function readTuning(
  sampler: SamplerName,
  text: TuningText,
  warmupText: string,
): { tuning?: SamplerTuning; warmup?: number } | { error: string } {
  const out: { tuning?: SamplerTuning; warmup?: number } = {};
  if (hasWarmup(sampler)) {
    const w = fieldNumber(warmupText);
    if (w !== undefined && !(Number.isInteger(w) && w >= 0))
      return { error: 'warm-up: a whole number, or auto' };
    if (w !== undefined) out.warmup = w;
  }
  const tuning: SamplerTuning = {};
  for (const f of tuningFieldsFor(sampler)) {
    const v = fieldNumber(text[f.key]);
    if (Number.isNaN(v)) return { error: `${f.label}: a number, or auto` };
    if (v !== undefined) tuning[f.key] = v;
  }
  if (Object.keys(tuning).length) out.tuning = tuning;
  return out;
}

/**
 * The form's tuning with the tensorLens.sampling.* settings filling the fields left on auto, for
 * the sampler's own fields only. The host applies the settings only to a request without tuning,
 * so a form that sets one field must carry the settings' others itself.
 */
export function withSettings(
  sampler: SamplerName,
  form: SamplerTuning | undefined,
  settings: SamplerTuning | undefined,
): SamplerTuning | undefined {
  const out: SamplerTuning = { ...form };
  for (const f of tuningFieldsFor(sampler)) {
    const v = settings?.[f.key];
    if (out[f.key] === undefined && v !== undefined) out[f.key] = v;
  }
  return Object.keys(out).length ? out : undefined;
}
