// Pure helpers of the playground (webview/playground.ts): what each recorded move says in words,
// how much of a move is shown part-way through its animation, and the request the form makes.
// No DOM, so they are unit-tested in Node.
import type {
  SampleRequestParams,
  SamplerStep,
  StepSamplerName,
  StepTrace,
} from '../src/common/messages';
import { fieldNumber, readTuning, type TuningText } from './tuningForm';

const f = (v: number | null | undefined, d = 3): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v.toPrecision(d)).toString();

/** "1 leapfrog step", "3 leapfrog steps". */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** One line saying what a move did, beside the plot. */
export function stepCaption(s: SamplerStep, dims: 1 | 2): string {
  const at = (p: [number, number]): string => (dims === 1 ? f(p[0]) : `(${f(p[0])}, ${f(p[1])})`);
  switch (s.sampler) {
    case 'mh':
      return `proposal ${at(s.proposal)}, acceptance probability ${f(s.acceptProb, 2)}: ${s.accepted ? 'accepted' : 'rejected, the chain stays'}`;
    case 'slice':
      return s.updates
        .map(
          (u) =>
            `${dims === 2 ? (u.axis === 0 ? 'x: ' : 'y: ') : ''}slice at ${f(u.height, 2)} of the peak, stepped out to [${f(u.bracket[0])}, ${f(u.bracket[1])}], ${count(u.shrink.length - 1, 'shrink')}`,
        )
        .join('; ');
    case 'hmc': {
      const worst = Math.max(...s.energyError.map((e) => Math.abs(e ?? Infinity)));
      return `${count(s.path.length, 'leapfrog step')}, largest energy error ${f(worst, 2)}${s.divergent ? ' (divergent)' : ''}, acceptance probability ${f(s.acceptProb, 2)}: ${s.accepted ? 'accepted' : 'rejected'}`;
    }
    case 'nuts': {
      const n = s.doublings.reduce((a, d) => a + d.path.length, 0);
      const why = {
        'u-turn': 'the trajectory made a U-turn',
        'subtree-u-turn': 'a new subtree made a U-turn',
        divergence: 'a leapfrog step diverged',
        'max-depth': 'it reached the maximum depth',
      }[s.stop];
      return `tree depth ${s.depth} (${count(n, 'leapfrog step')}); stopped because ${why}`;
    }
  }
}

/** The caption before the first move: what was recorded, and how. */
export function traceCaption(tr: StepTrace, label: string): string {
  // The trace's one tuned scale is each sampler's own: MH's proposal, slice's width, HMC's step.
  const scale = { mh: 'proposal scale', slice: 'slice width', hmc: 'step size', nuts: 'step size' }[
    tr.sampler
  ];
  return `${label} on ${tr.expr}: ${count(tr.steps.length, 'move')} recorded after ${count(tr.warmup, 'warm-up iteration')} (seed ${tr.seed}, ${scale} ${f(tr.stepSize)}). Step or Animate.`;
}

/** How many of `total` items are shown a fraction t ∈ [0, 1] into a move's animation. */
export function revealed(total: number, t: number): number {
  if (!(t > 0)) return 0;
  return Math.min(total, Math.ceil(total * Math.min(1, t)));
}

/** The number of items (points, shrinks) a move reveals one by one, at least 1. */
export function moveParts(s: SamplerStep): number {
  switch (s.sampler) {
    case 'mh':
      return 2;
    case 'slice':
      return s.updates.reduce((a, u) => a + 2 + u.shrink.length, 0) || 1;
    case 'hmc':
      return s.path.length || 1;
    case 'nuts':
      return s.doublings.reduce((a, d) => a + d.path.length, 0) || 1;
  }
}

export interface PlaygroundForm {
  expr: string;
  sampler: StepSamplerName;
  seed: string;
  steps: string;
  warmup: string;
  tuning: TuningText;
}

/**
 * The request for a trace, or a one-line error naming the field. Only the chosen sampler's tuning
 * is sent; a blank or "auto" field stays auto. Ranges are the engine's to check.
 */
export function traceRequest(
  form: PlaygroundForm,
  range?: [number, number],
  rangeY?: [number, number],
): { params: SampleRequestParams; steps: number } | { error: string } {
  if (!form.expr.trim())
    return { error: 'type a density in x (or x and y), or pick one from the gallery' };
  const seed = fieldNumber(form.seed);
  if (seed === undefined || !Number.isSafeInteger(seed)) return { error: 'seed: a whole number' };
  const steps = fieldNumber(form.steps);
  if (steps === undefined || !Number.isInteger(steps) || steps < 1 || steps > 500)
    return { error: 'moves: a whole number from 1 to 500' };
  const t = readTuning(form.sampler, form.tuning, form.warmup);
  if ('error' in t) return t;
  const params: SampleRequestParams = {
    expr: form.expr,
    sampler: form.sampler,
    n: steps,
    chains: 1,
    seed,
    runId: 'playground',
  };
  if (t.warmup !== undefined) params.warmup = t.warmup;
  if (t.tuning) params.tuning = t.tuning;
  if (range) params.range = range;
  if (rangeY) params.rangeY = rangeY;
  return { params, steps };
}
