// The tuning controls as form fields, shared by the Sampling tab's form and the playground: which
// fields each sampler has, the automatic value each shows, and the one reading of their text into
// the request's `tuning` and `warmup` (the same params the CLI's --mh-scale, --step-size, --steps,
// --target-accept, --max-depth and --warmup set). Blank or "auto" is auto; the engine checks ranges.
// The form sends only what the user typed: the host puts the tensorLens.sampling.* settings under
// it field by field, so a setting shows here only as a field's placeholder.
import type { SamplerName, SamplerTuning } from '../src/common/messages';
import { SAMPLER_TABLE } from '../src/common/messages';
import { TUNING_SAMPLERS } from '../src/common/tuningSettings';

/** The tuning controls: their label, the automatic value shown, and the samplers that use them. */
export const TUNING_FIELDS: {
  key: keyof SamplerTuning;
  label: string;
  auto: string;
  for: readonly SamplerName[];
}[] = [
  { key: 'mhScale', label: 'MH scale', auto: 'auto (adapted)', for: TUNING_SAMPLERS.mhScale },
  {
    key: 'stepSize',
    label: 'step size',
    auto: 'auto (dual averaging)',
    for: TUNING_SAMPLERS.stepSize,
  },
  {
    key: 'steps',
    label: 'leapfrog steps',
    auto: 'auto (≈ π/2 ÷ step)',
    for: TUNING_SAMPLERS.steps,
  },
  {
    key: 'targetAccept',
    label: 'target acceptance',
    auto: 'auto (0.65 HMC, 0.8 NUTS)',
    for: TUNING_SAMPLERS.targetAccept,
  },
  { key: 'maxDepth', label: 'max depth', auto: 'auto (10)', for: TUNING_SAMPLERS.maxDepth },
];

/** A field's placeholder: "auto", or "auto (setting: 0.8)" when a setting will fill it. */
export function tuningPlaceholder(setting: number | undefined): string {
  return setting === undefined ? 'auto' : `auto (setting: ${setting})`;
}

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
