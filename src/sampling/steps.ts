// The step-through recorder: a short chain of MH, slice, HMC or NUTS with every move written down
// (proposals, slice brackets, leapfrog paths, NUTS doublings), for the playground and
// `tensor-lens sample --trace-steps N`. It runs the very chain classes runSampler runs, on chain
// 0's random stream, after the same warm-up, and only listens (Chain.observe): so its positions are
// the run's first draws, which the tests check.
import { defaultWarmup, prepareTarget } from './index';
import { SamplingInputError } from './errors';
import { HmcChain, NutsChain } from './hmc';
import { MhChain1D, MhChain2D } from './mh';
import { Rng } from '../common/rng';
import { SliceChain } from './slice';
import { linspace } from './summary';
import { logTarget, type Chain, type MoveEvent, type Target } from './target';
import {
  STEP_SAMPLERS,
  type NutsDoubling,
  type SampleRequestParams,
  type SamplerStep,
  type SliceUpdate,
  type StepPoint,
  type StepSamplerName,
  type StepTrace,
} from './types';

/** A trace is for watching: 500 NUTS moves can hold half a million leapfrog points already. */
export const MAX_TRACE_STEPS = 500;

/** An Rng that remembers its normals, the one thing the 1-D MH hot loop does not report. */
class RecordingRng extends Rng {
  normals: number[] = [];
  override normal(): number {
    const z = super.normal();
    this.normals.push(z);
    return z;
  }
}

function newChain(sampler: StepSamplerName, p: SampleRequestParams, t: Target, rng: Rng): Chain {
  const tuning = p.tuning ?? {};
  switch (sampler) {
    case 'mh':
      return t.dims === 1
        ? new MhChain1D(t, rng, tuning.mhScale)
        : new MhChain2D(t, rng, tuning.mhScale);
    case 'slice':
      return new SliceChain(t, rng);
    case 'hmc':
      return new HmcChain(t, rng, tuning);
    case 'nuts':
      return new NutsChain(t, rng, tuning);
  }
}

const isStepSampler = (s: string): s is StepSamplerName =>
  (STEP_SAMPLERS as readonly string[]).includes(s);

/** Folds one move's events into its step. */
function assemble(
  sampler: StepSamplerName,
  t: Target,
  from: StepPoint,
  to: StepPoint,
  events: MoveEvent[],
): SamplerStep {
  switch (sampler) {
    case 'mh': {
      for (const e of events)
        if (e.kind === 'proposal')
          return {
            sampler,
            from,
            to,
            proposal: e.proposal,
            acceptProb: e.acceptProb,
            accepted: e.accepted,
          };
      throw new Error('internal: an MH move reported no proposal');
    }
    case 'slice': {
      const updates: SliceUpdate[] = [];
      for (const e of events) {
        const u = updates[updates.length - 1];
        if (e.kind === 'slice')
          updates.push({
            axis: e.axis,
            x0: e.x0,
            height: Math.exp(e.logLevel - t.logMax),
            initial: [e.L, e.R],
            bracket: [e.L, e.R],
            shrink: [],
          });
        else if (e.kind === 'slice-out' && u) u.bracket = [e.L, e.R];
        else if (e.kind === 'slice-shrink' && u) u.shrink.push({ at: e.at, inside: e.inside });
      }
      return { sampler, from, to, updates };
    }
    case 'hmc': {
      const path: StepPoint[] = [],
        energyError: number[] = [];
      let end = { acceptProb: NaN, accepted: false, divergent: false };
      for (const e of events) {
        if (e.kind === 'leapfrog') {
          path.push(e.at);
          energyError.push(e.energyError);
        } else if (e.kind === 'hmc-end') end = e;
      }
      const { acceptProb, accepted, divergent } = end;
      return { sampler, from, to, path, energyError, acceptProb, accepted, divergent };
    }
    case 'nuts': {
      const doublings: NutsDoubling[] = [];
      let depth = 0;
      let stop: Extract<SamplerStep, { sampler: 'nuts' }>['stop'] = 'max-depth';
      for (const e of events) {
        if (e.kind === 'doubling') doublings.push({ dir: e.dir, path: [], energyError: [] });
        else if (e.kind === 'leapfrog') {
          const d = doublings[doublings.length - 1];
          d.path.push(e.at);
          d.energyError.push(e.energyError);
        } else if (e.kind === 'nuts-end') ({ depth, stop } = e);
      }
      return { sampler, from, to, doublings, depth, stop };
    }
  }
}

/** Records `count` moves of chain 0 of `request` (its seed, range, warm-up and tuning). */
export function traceSteps(request: SampleRequestParams, count: number): StepTrace {
  if (!Number.isInteger(count) || count < 1 || count > MAX_TRACE_STEPS)
    throw new SamplingInputError(
      `the number of steps to trace must be a whole number from 1 to ${MAX_TRACE_STEPS}, not ${count}`,
    );
  const sampler = request.sampler;
  if (!isStepSampler(sampler))
    throw new SamplingInputError(
      `step-through records ${STEP_SAMPLERS.join(', ')}, not ${sampler}; choose one of those`,
    );
  const { params, setup } = prepareTarget(request);
  const t = setup.target;
  const warmup = params.warmup ?? defaultWarmup(params.n);
  const rng = new RecordingRng(params.seed, 0);
  const chain = newChain(sampler, params, t, rng);
  chain.warmup(warmup, 0, warmup);
  chain.endWarmup();
  const xs = new Float64Array(count),
    ys = t.dims === 2 ? new Float64Array(count) : null;
  const steps: SamplerStep[] = [];
  for (let k = 0; k < count; k++) {
    const events: MoveEvent[] = [];
    chain.observe = (e) => events.push(e);
    rng.normals = [];
    const from = chain.position();
    chain.draw(xs, ys, k, k + 1);
    const to: StepPoint = [xs[k], ys ? ys[k] : 0];
    if (chain instanceof MhChain1D) {
      // The hot loop's first normal is the proposal's: y = x + σ·z.
      const y = from[0] + chain.sigma * rng.normals[0];
      const d = logTarget(t, y, 0) - logTarget(t, from[0], 0);
      const acceptProb = d >= 0 ? 1 : Number.isNaN(d) ? 0 : Math.exp(d);
      events.push({ kind: 'proposal', from, proposal: [y, 0], acceptProb, accepted: to[0] === y });
    }
    steps.push(assemble(sampler, t, from, to, events));
  }
  chain.observe = undefined;
  const [x0, x1] = setup.plotX;
  const rel = (x: number, y: number): number => {
    const v = Math.exp(logTarget(t, x, y) - t.logMax);
    return Number.isFinite(v) ? v : 0;
  };
  const trace: StepTrace = {
    sampler,
    expr: params.expr,
    dims: t.dims,
    seed: params.seed,
    warmup,
    stepSize: chain.stats.stepSize,
    range: setup.plotX,
    density: { x: [], y: [] },
    steps,
  };
  if (t.dims === 1) {
    const gx = linspace(x0, x1, 300);
    trace.density = { x: gx, y: gx.map((x) => rel(x, 0)) };
  } else if (setup.plotY) {
    const g = 80;
    const gx = linspace(x0, x1, g),
      gy = linspace(setup.plotY[0], setup.plotY[1], g);
    const values: number[] = [];
    for (let j = 0; j < g; j++) for (let i = 0; i < g; i++) values.push(rel(gx[i], gy[j]));
    trace.rangeY = setup.plotY;
    trace.density2d = { nx: g, ny: g, values };
  }
  return trace;
}
