// Guards for the step-through messages (a recorded trace from the host, a request from the page).
// A trace is drawn point by point on a canvas, so every number it holds is checked here first.
import {
  STEP_SAMPLERS,
  type SamplerStep,
  type SamplerTuning,
  type StepTrace,
} from '../sampling/types';

type Rec = Record<string, unknown>;
const isObj = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** An energy error or a slice height can be ±∞ or NaN in the engine: JSON makes those null. */
const isNumOrNull = (v: unknown): boolean => v === null || isNum(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isPair = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && isNum(v[0]) && isNum(v[1]);
const all = (v: unknown, g: (x: unknown) => boolean): boolean => Array.isArray(v) && v.every(g);

function isSliceUpdate(v: unknown): boolean {
  return (
    isObj(v) &&
    (v.axis === 0 || v.axis === 1) &&
    isNum(v.x0) &&
    isNumOrNull(v.height) &&
    isPair(v.initial) &&
    isPair(v.bracket) &&
    all(v.shrink, (s) => isObj(s) && isNum(s.at) && isBool(s.inside))
  );
}

function isDoubling(v: unknown): boolean {
  return (
    isObj(v) &&
    (v.dir === 1 || v.dir === -1) &&
    all(v.path, isPair) &&
    all(v.energyError, isNumOrNull)
  );
}

const STOPS = ['u-turn', 'subtree-u-turn', 'divergence', 'max-depth'];

export function isSamplerStep(v: unknown): v is SamplerStep {
  if (!isObj(v) || !isPair(v.from) || !isPair(v.to)) return false;
  switch (v.sampler) {
    case 'mh':
      return isPair(v.proposal) && isNumOrNull(v.acceptProb) && isBool(v.accepted);
    case 'slice':
      return all(v.updates, isSliceUpdate);
    case 'hmc':
      return (
        all(v.path, isPair) &&
        all(v.energyError, isNumOrNull) &&
        isNumOrNull(v.acceptProb) &&
        isBool(v.accepted) &&
        isBool(v.divergent)
      );
    case 'nuts':
      return (
        all(v.doublings, isDoubling) &&
        isNum(v.depth) &&
        typeof v.stop === 'string' &&
        STOPS.includes(v.stop)
      );
    default:
      return false;
  }
}

export function isStepTrace(v: unknown): v is StepTrace {
  return (
    isObj(v) &&
    typeof v.sampler === 'string' &&
    (STEP_SAMPLERS as readonly string[]).includes(v.sampler) &&
    typeof v.expr === 'string' &&
    (v.dims === 1 || v.dims === 2) &&
    isNum(v.seed) &&
    isNum(v.warmup) &&
    isNumOrNull(v.stepSize) &&
    isPair(v.range) &&
    (v.rangeY === undefined || isPair(v.rangeY)) &&
    isObj(v.density) &&
    all(v.density.x, isNum) &&
    all(v.density.y, isNum) &&
    (v.density2d === undefined ||
      (isObj(v.density2d) &&
        isNum(v.density2d.nx) &&
        isNum(v.density2d.ny) &&
        all(v.density2d.values, isNum) &&
        (v.density2d.values as unknown[]).length === v.density2d.nx * v.density2d.ny)) &&
    all(v.steps, (s) => isSamplerStep(s) && s.sampler === v.sampler)
  );
}

const TUNING_KEYS = ['mhScale', 'stepSize', 'steps', 'targetAccept', 'maxDepth'];

/** Only known keys with finite numbers (the engine checks their ranges with a one-line error). */
export function isSamplerTuning(v: unknown): v is SamplerTuning {
  return (
    isObj(v) &&
    Object.entries(v).every(([k, x]) => TUNING_KEYS.includes(k) && (x === undefined || isNum(x)))
  );
}
