// The tuning flags of `tensor-lens sample` (--mh-scale, --step-size, --steps, --target-accept,
// --max-depth): each takes a number or "auto" (the default: warm-up adapts it). Their limits are
// the engine's (src/sampling/tuning.ts), checked there again for the panel's requests.
import type { SamplerTuning } from '../sampling/types';
import { TUNING_HELP } from '../sampling/tuning';
import { CliError, type FlagSpec, type FlagValues } from './args';

const FLAGS: Record<string, keyof SamplerTuning> = {
  'mh-scale': 'mhScale',
  'step-size': 'stepSize',
  steps: 'steps',
  'target-accept': 'targetAccept',
  'max-depth': 'maxDepth',
};

export const TUNING_SPEC: Record<string, FlagSpec> = Object.fromEntries(
  Object.keys(FLAGS).map((f) => [f, { kind: 'string', hint: 'a number or auto' }]),
);

export const TUNING_USAGE = Object.entries(FLAGS)
  .map(([flag, key]) => `  --${(flag + ' X').padEnd(16)} ${TUNING_HELP[key]}`)
  .join('\n');

/** The tuning the flags ask for, or undefined when every one is auto. */
export function tuningFromFlags(flags: FlagValues): SamplerTuning | undefined {
  const out: SamplerTuning = {};
  for (const [flag, key] of Object.entries(FLAGS)) {
    const v = flags[flag];
    if (typeof v !== 'string' || v.trim().toLowerCase() === 'auto') continue;
    const t = v.trim();
    const n = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : NaN;
    if (Number.isNaN(n))
      throw new CliError(`tensor-lens sample: --${flag} must be a number or auto, not '${v}'`);
    out[key] = n;
  }
  return Object.keys(out).length ? out : undefined;
}
