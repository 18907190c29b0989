// The sampling engine's front door, used by the worker and the CLI:
//   runSampler(params, hooks) → SampleResult   (validates, finds the support, runs, diagnoses)
//   checkExpression(expr, logDensity) → ExprCheck (what the panel asks while the user types)
import type {
  ExprCheck,
  SampleDiagnostics,
  SampleProgressEvent,
  SampleRequestParams,
  SampleResult,
} from './types';
import { buildCdf, type CdfTable } from './cdf';
import { acfPrefix, autocorrelation, ksThinned, PLOT_LAGS, type Chains } from './diagnostics';
import { buildReport } from './report';
import { MIN_THREADED_DRAWS, SummaryThread } from './summarizeThreads';
import { compileDensity, exprDims, ExprError, type CompiledDensity, type Fn2 } from './expr';
import { describeEnvelope, EnvelopeRestart, findEnvelope } from './rejection';
import { Rng } from '../common/rng';
import {
  isSamplerName,
  reports,
  SAMPLERS,
  samplersFor,
  samplerSpec,
  type ChainSetup,
  type SamplerName,
} from './samplers';
import { describeEnvelope2D, findEnvelope2D } from './rejection2d';
import { GL5_NODES as NODES, GL5_WEIGHTS as WEIGHTS } from './special';
import { checkRange, findSupport1D, findSupport2D, DensityError } from './support';
import { histogram, histogram2d, histogramOfEntries, linspace, thin } from './summary';
import { MAX_WARMUP } from './limits';
import type { Chain, ChainStats, Target } from './target';
import { SamplingInputError } from './errors';
import { validateTuning } from './tuning';

export { SamplingInputError } from './errors';
export { drawsCsv, drawsCsvChunks } from './drawsCsv';

// Local typed copies: module bindings can compile to getters, which cost in the quadrature loops.
const GL5_NODES = Float64Array.from(NODES);
const GL5_WEIGHTS = Float64Array.from(WEIGHTS);

/** Thrown when the signal aborts a run; `name` is 'AbortError' like DOM aborts. */
export class SampleCancelled extends Error {
  constructor() {
    super('sampling cancelled');
    this.name = 'AbortError';
  }
}

export interface SampleHooks {
  onProgress(e: SampleProgressEvent): void;
  signal?: AbortSignal;
  /** Receives every kept draw (per chain) once sampling ends, e.g. for `--out draws.csv`. */
  onDraws?(xs: Float64Array[], ys: Float64Array[] | null): void;
}

// Draws are kept in memory for the diagnostics (ranks, FFTs, several copies): past a few million they
// take longer than the sampling itself, so runs are capped.
export const MAX_DRAWS_TOTAL = 4_000_000;
const TRACE_POINTS = 2000;
const BATCH_MS = 25;

/** Warm-up used when params.warmup is absent: half the draws, at least 200, at most 2000. */
export function defaultWarmup(n: number): number {
  return Math.min(2000, Math.max(200, Math.ceil(n / 2)));
}

export function checkExpression(expr: string, _logDensity = false): ExprCheck {
  try {
    // Parse and whitelist only: this runs on every keystroke, so no gradient is derived here.
    return { ok: true, dims: exprDims(expr) };
  } catch (e) {
    if (e instanceof ExprError) return { ok: false, error: e.message, column: e.column };
    return { ok: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

function validate(p: SampleRequestParams): void {
  if (!isSamplerName(p.sampler))
    throw new SamplingInputError(
      `unknown sampler '${String(p.sampler)}'; use one of ${SAMPLERS.join(', ')}`,
    );
  if (!Number.isInteger(p.n) || p.n < 1)
    throw new SamplingInputError(`n must be a whole number ≥ 1, not ${p.n}`);
  if (!Number.isInteger(p.chains) || p.chains < 1 || p.chains > 64)
    throw new SamplingInputError(`chains must be a whole number from 1 to 64, not ${p.chains}`);
  if (p.n * p.chains > MAX_DRAWS_TOTAL)
    throw new SamplingInputError(
      `n × chains must be at most ${MAX_DRAWS_TOTAL}, not ${p.n * p.chains}`,
    );
  if (!Number.isSafeInteger(p.seed))
    throw new SamplingInputError(
      `seed must be a whole number from −${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}, not ${p.seed}`,
    );
  if (p.bins !== undefined && (!Number.isInteger(p.bins) || p.bins < 1 || p.bins > 1000))
    throw new SamplingInputError(`bins must be a whole number from 1 to 1000, not ${p.bins}`);
  if (
    p.warmup !== undefined &&
    (!Number.isInteger(p.warmup) || p.warmup < 0 || p.warmup > MAX_WARMUP)
  )
    throw new SamplingInputError(
      `warmup must be a whole number from 0 to ${MAX_WARMUP}, not ${p.warmup}`,
    );
  validateTuning(p.tuning);
  for (const r of [p.range, p.rangeY]) {
    if (r && (r.length !== 2 || Number.isNaN(r[0]) || Number.isNaN(r[1]) || !(r[0] < r[1])))
      throw new SamplingInputError(`a range must be two numbers A < B, not ${String(r)}`);
    if (r) checkRange(r[0], r[1], r === p.rangeY ? '--range-y' : '--range');
  }
}

/** Numeric facts about the target the samplers and diagnostics need. */
export interface Setup {
  target: Target;
  /** 1-D: the CDF table (also the inverse-CDF sampler); 2-D: undefined. */
  table?: CdfTable;
  /** CDF of x (1-D: the density; 2-D: the x-marginal), for KS. */
  cdfX: (x: number) => number;
  plotX: [number, number];
  plotY?: [number, number];
  density: { x: number[]; y: number[] };
  densityY?: { x: number[]; y: number[] };
  density2d?: { nx: number; ny: number; values: number[] };
  meanX: number;
}

function plotRange(
  q: (u: number) => number,
  lo: number,
  hi: number,
  userRange?: [number, number],
): [number, number] {
  if (userRange && Number.isFinite(userRange[0]) && Number.isFinite(userRange[1]))
    return [userRange[0], userRange[1]];
  const a = q(0.0005),
    b = q(0.9995);
  const pad = 0.05 * (b - a);
  return [Math.max(lo, a - pad), Math.min(hi, b + pad)];
}

/**
 * log of the density exactly as typed (the compiled text itself, not the symbolic log f the
 * samplers use), for the KS reference and the overlay: if the symbolic log were wrong, a reference
 * built from it would agree with the samplers' wrong draws. A negative value found here is the
 * user's density being negative between the scan's points: refused like in the scan.
 */
function typedLog(d: CompiledDensity): Fn2 {
  return (x, y) => {
    const v = d.raw(x, y);
    if (d.isLog) return Number.isNaN(v) ? -Infinity : v;
    if (v < 0) {
      const at =
        d.dims === 1
          ? `x = ${x.toPrecision(6)}`
          : `(x, y) = (${x.toPrecision(6)}, ${y.toPrecision(6)})`;
      throw new DensityError(
        `the density is negative at ${at} (value ${v.toPrecision(3)}); a density must be ≥ 0 on the range, so fix the expression or restrict --range`,
      );
    }
    // NaN only at isolated points here (the scan refused NaN elsewhere): measure zero.
    return Number.isNaN(v) ? -Infinity : Math.log(v);
  };
}

function setup1D(d: CompiledDensity, p: SampleRequestParams): Setup {
  const sup = findSupport1D(d.raw, d.logf, d.isLog, p.range);
  const logf1 = (x: number): number => {
    const v = d.logf(x, 0);
    return Number.isNaN(v) ? -Infinity : v;
  };
  const typed = typedLog(d);
  const notIntegrable = (): DensityError =>
    new DensityError(
      'the density does not integrate to a finite positive number on the range; check the expression and --range',
    );
  let ref: CdfTable;
  try {
    ref = buildCdf((x) => typed(x, 0), sup.lo, sup.hi, sup.logMax, {
      edges: sup.edges,
      uTarget: 1e-8,
    });
  } catch (e) {
    if (e instanceof DensityError) throw e;
    // f as typed underflows everywhere (log f's maximum below about −745): only the symbolic log
    // can represent it, so the reference has to come from it.
    if (sup.logMax > -700) throw notIntegrable();
    try {
      ref = buildCdf(logf1, sup.lo, sup.hi, sup.logMax, { edges: sup.edges, uTarget: 1e-8 });
    } catch {
      throw notIntegrable();
    }
  }
  let table: CdfTable | undefined;
  if (samplerSpec(p.sampler).needsCdfTable) {
    // The inverse-CDF sampler needs the 1e-10 u-error and the symbolic log's far tails.
    try {
      table = buildCdf(logf1, sup.lo, sup.hi, sup.logMax, { edges: sup.edges, uTarget: 1e-10 });
    } catch {
      throw notIntegrable();
    }
  }
  // Moments from the reference table's cells (Gauss–Legendre on each cell).
  let m1 = 0,
    m2 = 0;
  const qx = new Float64Array(5 * ref.cells),
    qw = new Float64Array(5 * ref.cells);
  for (let i = 0; i < ref.cells; i++) {
    const a = ref.xs[i],
      b = ref.xs[i + 1],
      h = (b - a) / 2,
      c = a / 2 + b / 2;
    for (let k = 0; k < 5; k++) {
      const x = c + h * GL5_NODES[k];
      const w = GL5_WEIGHTS[k] * h * ref.pdf(x);
      m1 += w * x;
      m2 += w * x * x;
      qx[5 * i + k] = x;
      qw[5 * i + k] = w;
    }
  }
  const sd = Math.sqrt(Math.max(0, m2 - m1 * m1)) || (sup.hi - sup.lo) / 6;
  const target: Target = {
    dims: 1,
    isLog: d.isLog,
    f: d.f,
    logf: d.logf,
    dlogfdx: d.dlogfdx,
    dlogfdy: d.dlogfdy,
    xLo: sup.rangeLo,
    xHi: sup.rangeHi,
    yLo: -Infinity,
    yHi: Infinity,
    sxLo: sup.lo,
    sxHi: sup.hi,
    syLo: 0,
    syHi: 0,
    mode: [sup.mode, 0],
    logMax: sup.logMax,
    sd: [sd, 1],
    marginals: [{ x: qx, w: qw }],
  };
  const plotX = plotRange(ref.quantile, sup.lo, sup.hi, p.range);
  const gx = linspace(plotX[0], plotX[1], 200);
  return { target, table, cdfX: ref.cdf, plotX, density: { x: gx, y: gx.map(ref.pdf) }, meanX: m1 };
}

/**
 * 2-D: a tensor Gauss–Legendre grid over the effective support gives Z, the marginals, their CDFs
 * (for KS on x) and moments.
 */
function setup2D(d: CompiledDensity, p: SampleRequestParams): Setup {
  const sup = findSupport2D(d.raw, d.logf, d.isLog, p.range, p.rangeY);
  // The reference marginals come from the density as typed (see typedLog), unless f underflows everywhere.
  const lg: Fn2 = sup.logMax > -700 ? typedLog(d) : d.logf;
  const nxc = 200,
    nyc = 120;
  const xNodes = glNodes(sup.x.lo, sup.x.hi, nxc),
    yNodes = glNodes(sup.y.lo, sup.y.hi, nyc);
  const NX = xNodes.x.length,
    NY = yNodes.x.length;
  const margX = new Float64Array(NX),
    margY = new Float64Array(NY);
  for (let i = 0; i < NX; i++) {
    for (let j = 0; j < NY; j++) {
      const v = lg(xNodes.x[i], yNodes.x[j]);
      const f = Number.isNaN(v) ? 0 : Math.exp(v - sup.logMax);
      margX[i] += yNodes.w[j] * f;
      margY[j] += xNodes.w[i] * f;
    }
  }
  let z = 0;
  for (let i = 0; i < NX; i++) z += xNodes.w[i] * margX[i];
  if (!(z > 0) || !Number.isFinite(z))
    throw new DensityError(
      'the density does not integrate to a finite positive number on the range; check the expression and --range',
    );
  const moments = (nodes: { x: Float64Array; w: Float64Array }, marg: Float64Array) => {
    let m1 = 0,
      m2 = 0;
    for (let i = 0; i < marg.length; i++) {
      const w = (nodes.w[i] * marg[i]) / z;
      m1 += w * nodes.x[i];
      m2 += w * nodes.x[i] ** 2;
    }
    return { mean: m1, sd: Math.sqrt(Math.max(0, m2 - m1 * m1)) };
  };
  const mx = moments(xNodes, margX),
    my = moments(yNodes, margY);
  // Marginal CDF of x: cumulative cell masses at cell edges, with the partial cell from its nodes.
  const cellMass = new Float64Array(nxc);
  for (let c = 0; c < nxc; c++)
    for (let k = 0; k < 5; k++) cellMass[c] += (xNodes.w[5 * c + k] * margX[5 * c + k]) / z;
  const cum = new Float64Array(nxc + 1);
  for (let c = 0; c < nxc; c++) cum[c + 1] = cum[c] + cellMass[c];
  const hx = (sup.x.hi - sup.x.lo) / nxc;
  const pdfX = (x: number): number => interpMarginal(x, xNodes.x, margX) / z;
  const cdfX = (x: number): number => {
    if (x <= sup.x.lo) return 0;
    if (x >= sup.x.hi) return 1;
    const c = Math.min(nxc - 1, Math.floor((x - sup.x.lo) / hx));
    const a = sup.x.lo + c * hx;
    // Partial cell by 5-point Gauss–Legendre on [a, x] of the interpolated marginal.
    const h = (x - a) / 2,
      mid = (a + x) / 2;
    let s = 0;
    for (let k = 0; k < 5; k++) s += GL5_WEIGHTS[k] * pdfX(mid + h * GL5_NODES[k]);
    return Math.min(1, cum[c] + s * h);
  };
  const quant =
    (nodes: { x: Float64Array; w: Float64Array }, marg: Float64Array) =>
    (u: number): number => {
      let acc = 0;
      for (let i = 0; i < marg.length; i++) {
        acc += (nodes.w[i] * marg[i]) / z;
        if (acc >= u) return nodes.x[i];
      }
      return nodes.x[marg.length - 1];
    };
  const plotX = plotRange(quant(xNodes, margX), sup.x.lo, sup.x.hi, p.range);
  const plotY = plotRange(quant(yNodes, margY), sup.y.lo, sup.y.hi, p.rangeY ?? p.range);
  const gx = linspace(plotX[0], plotX[1], 200),
    gy = linspace(plotY[0], plotY[1], 200);
  const g = 60;
  const hx2 = linspace(plotX[0], plotX[1], g),
    hy2 = linspace(plotY[0], plotY[1], g);
  const values: number[] = [];
  for (let j = 0; j < g; j++)
    for (let i = 0; i < g; i++) {
      const v = lg(hx2[i], hy2[j]);
      values.push(Number.isNaN(v) ? 0 : Math.exp(v - sup.logMax) / z);
    }
  const target: Target = {
    dims: 2,
    isLog: d.isLog,
    f: d.f,
    logf: d.logf,
    dlogfdx: d.dlogfdx,
    dlogfdy: d.dlogfdy,
    xLo: sup.x.rangeLo,
    xHi: sup.x.rangeHi,
    yLo: sup.y.rangeLo,
    yHi: sup.y.rangeHi,
    sxLo: sup.x.lo,
    sxHi: sup.x.hi,
    syLo: sup.y.lo,
    syHi: sup.y.hi,
    mode: [sup.modeX, sup.modeY],
    logMax: sup.logMax,
    sd: [mx.sd || 1, my.sd || 1],
    marginals: [
      { x: xNodes.x, w: xNodes.w.map((w, i) => (w * margX[i]) / z) },
      { x: yNodes.x, w: yNodes.w.map((w, i) => (w * margY[i]) / z) },
    ],
  };
  return {
    target,
    cdfX,
    plotX,
    plotY,
    meanX: mx.mean,
    density: { x: gx, y: gx.map(pdfX) },
    densityY: { x: gy, y: gy.map((y) => interpMarginal(y, yNodes.x, margY) / z) },
    density2d: { nx: g, ny: g, values },
  };
}

function glNodes(lo: number, hi: number, cells: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(5 * cells),
    w = new Float64Array(5 * cells);
  const h = (hi - lo) / cells;
  for (let c = 0; c < cells; c++)
    for (let k = 0; k < 5; k++) {
      x[5 * c + k] = lo + h * (c + 0.5) + (h / 2) * GL5_NODES[k];
      w[5 * c + k] = (h / 2) * GL5_WEIGHTS[k];
    }
  return { x, w };
}

/** Linear interpolation of a marginal known at sorted nodes. */
function interpMarginal(x: number, xs: Float64Array, vs: Float64Array): number {
  const n = xs.length;
  if (x <= xs[0]) return x < xs[0] - (xs[1] - xs[0]) ? 0 : vs[0];
  if (x >= xs[n - 1]) return x > xs[n - 1] + (xs[n - 1] - xs[n - 2]) ? 0 : vs[n - 1];
  let a = 0,
    b = n - 1;
  while (b - a > 1) {
    const m = (a + b) >> 1;
    if (xs[m] <= x) a = m;
    else b = m;
  }
  const t = (x - xs[a]) / (xs[b] - xs[a]);
  return vs[a] + t * (vs[b] - vs[a]);
}

/**
 * A chain that never moved did not sample the density, however good its other numbers look (its
 * KS test is thinned to a handful of draws, its mean is its starting point): the run fails.
 */
export function chainHealth(
  sampler: SamplerName,
  xs: Chains,
  ys: Chains | null,
  st: ChainStats[],
  n: number,
): { status: 'ok' | 'failed'; warnings: string[] } {
  const warnings: string[] = [];
  const stuck: number[] = [];
  const allDivergent: number[] = [];
  if (n >= 2) {
    for (let c = 0; c < xs.length; c++) {
      const moved = (a: Float64Array): boolean => a.some((v) => v !== a[0]);
      if (!moved(xs[c]) && !(ys && moved(ys[c]))) stuck.push(c);
      else if (reports(sampler, 'divergences') && st[c].divergences >= n) allDivergent.push(c);
    }
  }
  if (stuck.length)
    warnings.push(
      `chain${stuck.length > 1 ? 's' : ''} ${stuck.join(', ')} never moved (every draw the same, sd 0): the draws are not from the density; try another sampler or --range`,
    );
  if (allDivergent.length)
    warnings.push(
      `every transition of chain${allDivergent.length > 1 ? 's' : ''} ${allDivergent.join(', ')} diverged: the draws are not from the density; try another sampler or --range`,
    );
  const failed = warnings.length > 0;
  const div = st.reduce((a, b) => a + b.divergences, 0);
  if (!failed && div > 0 && reports(sampler, 'divergences')) {
    warnings.push(
      `${div} divergent transition${div > 1 ? 's' : ''} (${((100 * div) / (n * xs.length)).toPrecision(2)}% of draws): the chains may miss part of the density`,
    );
  }
  return { status: failed ? 'failed' : 'ok', warnings };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** JSON turns ±Infinity into null (webview messages are JSON): read a null end as open. */
function openEnds(r: [number, number] | undefined): [number, number] | undefined {
  if (!r) return r;
  const a = r[0] as number | null,
    b = r[1] as number | null;
  return [a === null ? -Infinity : a, b === null ? Infinity : b];
}

/**
 * A request checked and its target prepared exactly as runSampler does, for the step-through
 * recorder (src/sampling/steps.ts), whose chains must be the runs' chains.
 */
export function prepareTarget(params0: SampleRequestParams): {
  params: SampleRequestParams;
  setup: Setup;
} {
  const params: SampleRequestParams = {
    ...params0,
    range: openEnds(params0.range),
    rangeY: openEnds(params0.rangeY),
  };
  validate(params);
  const d = compileDensity(params.expr, params.logDensity ?? false);
  return { params, setup: d.dims === 1 ? setup1D(d, params) : setup2D(d, params) };
}

export async function runSampler(
  params0: SampleRequestParams,
  hooks: SampleHooks,
): Promise<SampleResult> {
  // Started once the request is known to be large, so that it boots while the chains run; closed
  // however the run ends (a cancel, a bad density).
  const helper = new SummaryThread();
  try {
    return await sampleAndDiagnose(params0, hooks, helper);
  } finally {
    helper.close();
  }
}

async function sampleAndDiagnose(
  params0: SampleRequestParams,
  hooks: SampleHooks,
  helper: SummaryThread,
): Promise<SampleResult> {
  const params: SampleRequestParams = {
    ...params0,
    range: openEnds(params0.range),
    rangeY: openEnds(params0.rangeY),
  };
  validate(params);
  const t0 = performance.now();
  const runId = params.runId ?? 'sample';
  const d = compileDensity(params.expr, params.logDensity ?? false);
  const sampler: SamplerName = params.sampler;
  const spec = samplerSpec(sampler);
  if (!spec.dims.includes(d.dims)) {
    throw new SamplingInputError(
      `the ${sampler} sampler is ${spec.dims.join('-D and ')}-D only; for a density in ${d.dims === 2 ? 'x and y' : 'x'} use ${samplersFor(d.dims)}`,
    );
  }
  const s = d.dims === 1 ? setup1D(d, params) : setup2D(d, params);
  const target = s.target;
  const iid = spec.kind === 'iid';
  const n = params.n,
    C = params.chains;
  const warmup = iid ? 0 : (params.warmup ?? defaultWarmup(n));
  const envelope = spec.needsEnvelope && d.dims === 1 ? findEnvelope(target, s.meanX) : undefined;
  const envelope2 = spec.needsEnvelope && d.dims === 2 ? findEnvelope2D(target) : undefined;
  const chainSetup: ChainSetup = {
    target,
    table: s.table,
    envelope,
    envelope2,
    tuning: params.tuning ?? {},
  };
  let chains: Chain[] = Array.from({ length: C }, (_, c) =>
    spec.chain(chainSetup, new Rng(params.seed, c)),
  );
  if (n * C >= MIN_THREADED_DRAWS) helper.start();
  const xs: Chains = Array.from({ length: C }, () => helper.draws(n));
  // x's summary buffers, mapped by the helper while the chains run; it also draws the
  // autocorrelation plot once the chains hold its prefix and, where a rejected proposal repeats the
  // last draw (MH, HMC), finds the runs of repeats as they are drawn.
  if (n * C >= MIN_THREADED_DRAWS && n % 2 === 0)
    helper.reserve(n * C, spec.kind === 'mcmc' && spec.acceptance === 'accepted', xs, true);
  const ys: Chains | null = d.dims === 2 ? Array.from({ length: C }, () => helper.draws(n)) : null;
  const setupSeconds = (performance.now() - t0) / 1000;
  const tSample = performance.now();
  const stride = Math.max(1, Math.ceil(n / TRACE_POINTS));
  const total = warmup + n;
  const checkCancel = async (): Promise<void> => {
    await yieldToEventLoop();
    if (hooks.signal?.aborted) throw new SampleCancelled();
  };

  // Batches sized so one round over all chains takes about BATCH_MS, then the event loop gets a
  // turn (so a cancel message can arrive) and progress is streamed.
  // Draws never depend on batch boundaries (each chain consumes its own stream in order), except for
  // rejection: which chain first exposes a too-low envelope decides the raised c, so rejection runs
  // in fixed batches to keep same seed ⇒ same draws.
  const fixed = spec.fixedBatches === true;
  let batch = spec.firstBatch;
  const timed = (work: () => void): void => {
    const a = performance.now();
    work();
    const ms = performance.now() - a;
    if (!fixed)
      batch = Math.max(
        16,
        Math.min(1 << 20, Math.round(batch * Math.min(4, BATCH_MS / Math.max(ms, 0.5)))),
      );
  };
  for (let done = 0; done < warmup;) {
    const k = Math.min(batch, warmup - done);
    timed(() => {
      for (const ch of chains) ch.warmup(k, done, warmup);
    });
    done += k;
    for (let c = 0; c < C; c++)
      hooks.onProgress({
        event: 'progress',
        runId,
        chain: c,
        start: 0,
        x: [],
        done,
        total,
        phase: 'warmup',
        stride,
      });
    await checkCancel();
  }
  for (const ch of chains) ch.endWarmup();
  let restarts = 0;
  for (let done = 0; done < n;) {
    const k = Math.min(batch, n - done);
    try {
      timed(() => {
        for (let c = 0; c < C; c++) chains[c].draw(xs[c], ys ? ys[c] : null, done, done + k);
      });
    } catch (e) {
      if (!(e instanceof EnvelopeRestart)) throw e;
      // The envelope was too low somewhere: discard every draw and start again with the larger c.
      restarts++;
      helper.drawn(-1);
      if (restarts > 50)
        throw new Error('rejection: the envelope kept failing; use inverse-cdf or an MCMC sampler');
      const seedShift = restarts;
      chains = Array.from({ length: C }, (_, c) =>
        spec.chain(chainSetup, new Rng(params.seed + seedShift * 7919, c)),
      );
      done = 0;
      for (let c = 0; c < C; c++)
        hooks.onProgress({
          event: 'progress',
          runId,
          chain: c,
          start: 0,
          x: [],
          done: 0,
          total,
          phase: 'sampling',
          stride,
          restarted: true,
        });
      await checkCancel();
      continue;
    }
    const first = Math.ceil(done / stride) * stride;
    for (let c = 0; c < C; c++) {
      const ev: SampleProgressEvent = {
        event: 'progress',
        runId,
        chain: c,
        start: first,
        x: thin(xs[c].subarray(first, done + k), stride),
        done: warmup + done + k,
        total,
        phase: 'sampling',
        stride,
      };
      if (ys) ev.y = thin(ys[c].subarray(first, done + k), stride);
      hooks.onProgress(ev);
    }
    done += k;
    helper.drawn(done);
    await checkCancel();
  }
  const seconds = (performance.now() - tSample) / 1000;
  hooks.onDraws?.(xs, ys);

  // ─── diagnostics ───
  const tDiag = performance.now();
  const st = chains.map((c) => c.stats);
  const sum = (f: (x: (typeof st)[number]) => number): number => st.reduce((a, b) => a + f(b), 0);
  const accField = spec.acceptance;
  const acceptance =
    accField === undefined
      ? null
      : sum((x) => x[accField]) /
        Math.max(
          1,
          sum((x) => x.proposals),
        );
  // The helper thread also draws the autocorrelation plot, of x, while this one sorts.
  // KS needs only the bulk ESS and the sort: on two threads it runs while the helper finishes.
  let ksEarly: ReturnType<typeof ksThinned> | null = null;
  const cx = await helper.summarize(xs, undefined, true, (essBulk, draws) => {
    ksEarly = ksThinned(xs, s.cdfX, essBulk, iid, draws);
  });
  let eb = cx.essBulk,
    et = cx.essTail,
    rh = cx.rhat;
  if (ys) {
    const cy = await helper.summarize(ys);
    eb = Math.min(eb, cy.essBulk);
    et = Math.min(et, cy.essTail);
    rh = Math.max(rh, cy.rhat);
  }
  const ks = ksEarly ?? ksThinned(xs, s.cdfX, cx.essBulk, iid, cx.draws);
  const diag: SampleDiagnostics = {
    sampler,
    n,
    chains: C,
    dims: d.dims,
    acceptance,
    essBulk: eb,
    essTail: et,
    rhat: rh,
    mcseMean: cx.mcseMean,
    mean: cx.mean,
    sd: cx.sd,
    // The asymptotic p-value means little below ~20 (thinned) draws.
    ks: ks.n >= 20 ? { D: ks.D, p: ks.p } : null,
    seconds,
    drawsPerSec: (n * C) / Math.max(seconds, 1e-9),
    setupSeconds,
    warmup,
    trueMean: s.meanX,
    ksThin: ks.thin,
  };
  if (reports(sampler, 'divergences')) diag.divergences = sum((x) => x.divergences);
  if (reports(sampler, 'stepSize')) diag.stepSize = sum((x) => x.stepSize) / C;
  if (reports(sampler, 'leapfrogs')) diag.leapfrogsPerDraw = sum((x) => x.leapfrogs) / (n * C);
  if (reports(sampler, 'treeDepth')) diag.meanTreeDepth = sum((x) => x.treeDepth) / (n * C);
  if (reports(sampler, 'evals')) diag.evalsPerDraw = sum((x) => x.evals) / (n * C);
  if (reports(sampler, 'proposals')) diag.proposalsPerDraw = sum((x) => x.proposals) / (n * C);
  const envelopeText = envelope
    ? describeEnvelope(envelope)
    : envelope2
      ? describeEnvelope2D(envelope2)
      : undefined;
  if (reports(sampler, 'envelope') && envelopeText) {
    diag.envelope = envelopeText;
    diag.restarts = restarts;
  }
  if (reports(sampler, 'uError') && s.table) diag.uError = s.table.uError;
  diag.report = buildReport(
    sampler,
    chains,
    n,
    cx,
    { rhat: rh, essBulk: eb, essTail: et, divergences: diag.divergences },
    ks,
  );
  // Chains that disagree (R-hat) are the report's flags, not a second warning here.
  Object.assign(diag, chainHealth(sampler, xs, ys, st, n));

  const bins = params.bins ?? 60;
  const result: SampleResult = {
    ...diag,
    runId,
    expr: params.expr,
    range: s.plotX,
    histogram: cx.draws
      ? histogramOfEntries(cx.draws, s.plotX[0], s.plotX[1], bins)
      : histogram(xs, s.plotX[0], s.plotX[1], bins),
    density: s.density,
    autocorrelation: cx.autocorrelation ?? autocorrelation(xs, PLOT_LAGS),
    autocorrelationDraws: acfPrefix(xs),
    traces: xs.map((c) => thin(c, stride)),
  };
  if (ys && s.plotY) {
    result.rangeY = s.plotY;
    result.histogramY = histogram(ys, s.plotY[0], s.plotY[1], bins);
    result.histogram2d = histogram2d(xs, ys, s.plotX, s.plotY, Math.min(bins, 50));
    result.densityY = s.densityY;
    result.density2d = s.density2d;
    result.tracesY = ys.map((c) => thin(c, stride));
    const sstride = Math.max(1, Math.ceil((n * C) / 4000));
    const sx: number[] = [],
      sy: number[] = [];
    for (let c = 0; c < C; c++)
      for (let i = 0; i < n; i += sstride) {
        sx.push(xs[c][i]);
        sy.push(ys[c][i]);
      }
    result.scatter = { x: sx, y: sy };
  }
  result.diagnosticsSeconds = (performance.now() - tDiag) / 1000;
  return result;
}
