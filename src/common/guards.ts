// Type guards for every message between host and page, both ways. Messages cross a process boundary
// as plain JSON, so each side checks what it receives before acting on it: the page before it touches
// the DOM or a chart, the host before it runs a job or writes a file (a webview is a web page; what
// it sends is input). One guard per message type, in tables keyed by the type, so a new message does
// not compile until it has a guard. Pure, unit-tested in Node.
import { isRangePair } from './range';
import type {
  ExprCheck,
  SampleProgressEvent,
  SampleRequestParams,
  SampleResult,
} from '../sampling/types';
import type { HostToWebview, StoredTrainRun, WebviewDefaults, WebviewToHost } from './messages';
import type {
  MistakeImage,
  TrainDoneEvent,
  TrainEpochEvent,
  TrainEvalEvent,
  TrainEvent,
  TrainHyper,
} from '../training/types';
import { isSamplerName } from '../sampling/samplers';
import type {
  LayerResult,
  ModelMemory,
  ModelResult,
  ModuleCall,
  ModuleNode,
  Shape,
  SourceRange,
} from '../shapes/types';
import { isSamplerTuning, isStepTrace } from './stepGuards';
import type { ScalarPoint, ScalarSeries } from './scalars';
import type { LiveTrainSnapshot } from './liveTrain';
import { MAX_OPEN_ROWS, MAX_SUMMARY_ROWS, type SummaryPage, type SummaryRow } from './summaryTable';

type Rec = Record<string, unknown>;

export function isObj(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export const isStr = (v: unknown): v is string => typeof v === 'string';
/** JSON has no NaN/Infinity (they arrive as null), so a number field must be a finite number. */
export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
/** Undefined maths (ESS/R-hat of one chain, accuracy of a model stopped before its first epoch): JSON turns NaN into null. */
const isNumOrNull = (v: unknown): boolean => v === null || isNum(v);
const opt = <T>(v: unknown, g: (x: unknown) => x is T): boolean => v === undefined || g(v);

export function isNumArray(v: unknown): v is number[] {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (!isNum(x)) return false;
  return true;
}
function isArrayOf<T>(v: unknown, g: (x: unknown) => x is T): v is T[] {
  return Array.isArray(v) && v.every(g);
}
function isPair(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && isNum(v[0]) && isNum(v[1]);
}

// ───────────── training ─────────────

function isModelParams(v: unknown): v is { model: string; params: number } {
  return isObj(v) && isStr(v.model) && isNum(v.params);
}

export function isEpochEvent(v: unknown): v is TrainEpochEvent {
  return (
    isObj(v) &&
    v.event === 'epoch' &&
    isStr(v.runId) &&
    isStr(v.model) &&
    isNum(v.epoch) &&
    // A diverged model has NaN losses (null after JSON); accuracies are counts over a non-empty set.
    isNumOrNull(v.trainLoss) &&
    isNum(v.trainAcc) &&
    isNumOrNull(v.testLoss) &&
    isNum(v.testAcc) &&
    isNum(v.seconds) &&
    isNum(v.samplesPerSec)
  );
}

export function isDoneEvent(v: unknown): v is TrainDoneEvent {
  return (
    isObj(v) &&
    v.event === 'done' &&
    isStr(v.runId) &&
    isStr(v.backend) &&
    isBool(v.cancelled) &&
    isArrayOf(
      v.models,
      (m): m is TrainDoneEvent['models'][number] =>
        isObj(m) &&
        isStr(m.model) &&
        isNum(m.params) &&
        isNumOrNull(m.finalTestAcc) &&
        isNumOrNull(m.finalTestLoss) &&
        isNumOrNull(m.seconds) &&
        isNumOrNull(m.samplesPerSec),
    ) &&
    opt(v.incomplete, isStr)
  );
}

/** Bytes of a small image: at most 4 channels of 256 × 256, each value an integer 0–255. */
function isMistakeImage(v: unknown): v is MistakeImage {
  if (!isObj(v) || !isNum(v.channels) || !isNum(v.rows) || !isNum(v.cols)) return false;
  const { channels: c, rows: r, cols: w } = v;
  if (![1, 3, 4].includes(c) || !Number.isInteger(r) || !Number.isInteger(w)) return false;
  if (r < 1 || w < 1 || r > 256 || w > 256) return false;
  const px = v.pixels;
  if (!Array.isArray(px) || px.length !== c * r * w) return false;
  for (const x of px)
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 255) return false;
  return true;
}

function isMistake(v: unknown): v is TrainEvalEvent['mistakes'][number] {
  return (
    isObj(v) &&
    isNum(v.index) &&
    isNum(v.label) &&
    isNum(v.pred) &&
    isNum(v.p) &&
    opt(v.image, isMistakeImage)
  );
}

/** A k-class evaluation: a k × k matrix of counts, k accuracies, mistakes naming classes below k. */
export function isEvalEvent(v: unknown): v is TrainEvalEvent {
  if (
    !isObj(v) ||
    v.event !== 'eval' ||
    !isStr(v.runId) ||
    !isStr(v.model) ||
    !isNum(v.epoch) ||
    !isArrayOf(v.classes, isStr)
  )
    return false;
  const k = v.classes.length;
  return (
    isArrayOf(v.confusion, (r): r is number[] => isNumArray(r) && r.length === k) &&
    v.confusion.length === k &&
    isArrayOf(v.perClass, (x): x is number | null => isNumOrNull(x)) &&
    v.perClass.length === k &&
    isArrayOf(v.mistakes, isMistake) &&
    v.mistakes.every((m) => m.label >= 0 && m.label < k && m.pred >= 0 && m.pred < k)
  );
}

function isHyper(v: unknown): v is TrainHyper {
  return (
    isObj(v) &&
    isArrayOf(v.model, isStr) &&
    isStr(v.data) &&
    isNum(v.epochs) &&
    isNum(v.batchSize) &&
    isNum(v.lr) &&
    isNum(v.seed) &&
    isStr(v.backend) &&
    opt(v.threads, isNum) &&
    opt(v.optimizer, isStr) &&
    opt(v.device, isStr) &&
    opt(v.processes, isNum)
  );
}

export function isTrainEvent(v: unknown): v is TrainEvent {
  if (!isObj(v) || !isStr(v.runId)) return false;
  switch (v.event) {
    case 'start':
      return (
        isStr(v.backend) &&
        isArrayOf(v.models, isModelParams) &&
        isNum(v.trainSize) &&
        isNum(v.testSize) &&
        isNum(v.epochs) &&
        isNum(v.batchSize) &&
        opt(v.hyper, isHyper) &&
        opt(v.data, isStr) &&
        opt(v.device, isStr)
      );
    case 'batch':
      return (
        isStr(v.model) &&
        isNum(v.epoch) &&
        isNum(v.batch) &&
        isNum(v.batches) &&
        isNum(v.samplesSeen) &&
        isNum(v.loss)
      );
    case 'epoch':
      return isEpochEvent(v);
    case 'done':
      return isDoneEvent(v);
    case 'eval':
      return isEvalEvent(v);
    default:
      return false;
  }
}

export function isStoredTrainRun(v: unknown): v is StoredTrainRun {
  if (!isObj(v) || !isStr(v.runId) || !isStr(v.startedAt) || !isStr(v.backend) || !isObj(v.params))
    return false;
  if (!isArrayOf(v.models, isModelParams) || !isArrayOf(v.epochs, isEpochEvent)) return false;
  if (!isObj(v.batches) || !opt(v.trainSize, isNum) || !opt(v.testSize, isNum)) return false;
  for (const pts of Object.values(v.batches)) if (!isArrayOf(pts, isPair)) return false;
  if (v.batchClock !== undefined) {
    if (!isObj(v.batchClock)) return false;
    for (const c of Object.values(v.batchClock)) if (!isArrayOf(c, isPair)) return false;
  }
  if (!opt(v.epochClock, isNumArray)) return false;
  if (v.evals !== undefined) {
    if (!isObj(v.evals)) return false;
    for (const e of Object.values(v.evals)) if (!isEvalEvent(e)) return false;
  }
  return (
    opt(v.hyper, isHyper) && opt(v.data, isStr) && opt(v.device, isStr) && opt(v.done, isDoneEvent)
  );
}

function isAxisCount(v: unknown): v is LiveTrainSnapshot['axis'][number] {
  return isObj(v) && isStr(v.model) && isNum(v.raw) && isNum(v.offset);
}

function isPosition(v: unknown): v is NonNullable<LiveTrainSnapshot['current']> {
  return isObj(v) && isStr(v.model) && isNum(v.epoch) && isNum(v.batch) && isNum(v.batches);
}

function isAgoSample(v: unknown): v is LiveTrainSnapshot['history'][number] {
  return isObj(v) && isNum(v.ago) && isNum(v.seen);
}

function isLiveTrainSnapshot(v: unknown): v is LiveTrainSnapshot {
  return (
    isObj(v) &&
    isStr(v.runId) &&
    opt(v.current, isPosition) &&
    isArrayOf(v.axis, isAxisCount) &&
    isArrayOf(v.history, isAgoSample)
  );
}

// ───────────── TensorBoard scalars ─────────────

function isScalarPoint(v: unknown): v is ScalarPoint {
  return (
    Array.isArray(v) && v.length === 3 && isNum(v[0]) && isNumOrNull(v[1]) && isNumOrNull(v[2])
  );
}

export function isScalarSeries(v: unknown): v is ScalarSeries {
  return isObj(v) && isStr(v.run) && isStr(v.tag) && isArrayOf(v.points, isScalarPoint);
}

// ───────────── sampling ─────────────

export function isSampleRequestParams(v: unknown): v is SampleRequestParams {
  return (
    isObj(v) &&
    isStr(v.expr) &&
    isSamplerName(v.sampler) &&
    isNum(v.n) &&
    isNum(v.chains) &&
    isNum(v.seed) &&
    opt(v.range, isRangePair) &&
    opt(v.rangeY, isRangePair) &&
    opt(v.logDensity, isBool) &&
    opt(v.bins, isNum) &&
    opt(v.warmup, isNum) &&
    opt(v.runId, isStr) &&
    opt(v.tuning, isSamplerTuning)
  );
}

export function isSampleProgress(v: unknown): v is SampleProgressEvent {
  return (
    isObj(v) &&
    v.event === 'progress' &&
    isStr(v.runId) &&
    isNum(v.chain) &&
    isNum(v.start) &&
    isNumArray(v.x) &&
    opt(v.y, isNumArray) &&
    isNum(v.done) &&
    isNum(v.total) &&
    opt(v.stride, isNum) &&
    opt(v.restarted, isBool) &&
    (v.phase === undefined || v.phase === 'warmup' || v.phase === 'sampling')
  );
}

function isHistogram(v: unknown): v is { edges: number[]; counts: number[] } {
  return (
    isObj(v) &&
    isNumArray(v.edges) &&
    isNumArray(v.counts) &&
    v.edges.length === v.counts.length + 1
  );
}
function isXY(v: unknown): v is { x: number[]; y: number[] } {
  return isObj(v) && isNumArray(v.x) && isNumArray(v.y) && v.x.length === v.y.length;
}

const FLAG_METRICS = new Set(['rhat', 'essBulk', 'essTail', 'divergences', 'treeDepth', 'ebfmi']);

const ADVICE_SETTINGS = new Set(['n', 'warmup', 'range', 'logDensity', 'targetAccept', 'maxDepth']);

/** A flag's advice: text, and settings each with the text that names it. */
function isAdvice(a: unknown): a is unknown[] {
  return (
    Array.isArray(a) &&
    a.every(
      (p: unknown) =>
        isStr(p) ||
        (isObj(p) && isStr(p.text) && isStr(p.setting) && ADVICE_SETTINGS.has(p.setting)),
    )
  );
}

/** The diagnostics report; numbers may be null (NaN does not survive JSON). */
function isDiagnosticsReport(v: unknown): v is object {
  if (!isObj(v) || !isObj(v.thresholds) || !isObj(v.ranks)) return false;
  const numOrNullArray = (a: unknown): a is (number | null)[] =>
    Array.isArray(a) && a.every(isNumOrNull);
  return (
    ['rhatBulk', 'rhatTail', 'q05', 'q95', 'mcseQ05', 'mcseQ95'].every((k) => isNumOrNull(v[k])) &&
    isNum(v.thresholds.rhat) &&
    isNum(v.thresholds.essPerChain) &&
    isNum(v.thresholds.ebfmi) &&
    isNum(v.ranks.bins) &&
    isArrayOf(v.ranks.counts, isNumArray) &&
    isNum(v.ksDraws) &&
    isNumArray(v.pit) &&
    opt(v.ebfmi, numOrNullArray) &&
    (v.treeDepthSaturation === undefined || isNumOrNull(v.treeDepthSaturation)) &&
    opt(v.divergentDraws, (d): d is number[][] => isArrayOf(d, isNumArray)) &&
    opt(
      v.energy,
      (e): e is object =>
        isObj(e) && isNumArray(e.edges) && isNumArray(e.marginal) && isNumArray(e.transition),
    ) &&
    Array.isArray(v.flags) &&
    v.flags.every(
      (f: unknown) =>
        isObj(f) &&
        isStr(f.metric) &&
        FLAG_METRICS.has(f.metric) &&
        isStr(f.message) &&
        isStr(f.fix) &&
        opt(f.advice, isAdvice),
    )
  );
}

export function isSampleResult(v: unknown): v is SampleResult {
  if (!isObj(v)) return false;
  const basic =
    isStr(v.runId) &&
    isStr(v.expr) &&
    isSamplerName(v.sampler) &&
    isNum(v.n) &&
    isNum(v.chains) &&
    (v.dims === 1 || v.dims === 2) &&
    isNumOrNull(v.acceptance) &&
    isNumOrNull(v.essBulk) &&
    isNumOrNull(v.essTail) &&
    isNumOrNull(v.rhat) &&
    isNumOrNull(v.mcseMean) &&
    isNumOrNull(v.mean) &&
    isNumOrNull(v.sd) &&
    (v.ks === null || (isObj(v.ks) && isNumOrNull(v.ks.D) && isNumOrNull(v.ks.p))) &&
    isNum(v.seconds) &&
    isNumOrNull(v.drawsPerSec) &&
    isPair(v.range) &&
    opt(v.rangeY, isPair) &&
    isHistogram(v.histogram) &&
    opt(v.histogramY, isHistogram) &&
    isXY(v.density) &&
    opt(v.densityY, isXY) &&
    isNumArray(v.autocorrelation) &&
    opt(v.autocorrelationDraws, isNum) &&
    isArrayOf(v.traces, isNumArray) &&
    opt(v.tracesY, (t): t is number[][] => isArrayOf(t, isNumArray)) &&
    opt(v.scatter, isXY) &&
    opt(v.divergences, isNum) &&
    opt(v.report, isDiagnosticsReport);
  if (!basic) return false;
  if (v.histogram2d !== undefined) {
    const h = v.histogram2d;
    if (!isObj(h) || !isNumArray(h.xEdges) || !isNumArray(h.yEdges) || !isNumArray(h.counts))
      return false;
    if (h.counts.length !== (h.xEdges.length - 1) * (h.yEdges.length - 1)) return false;
  }
  if (v.density2d !== undefined) {
    const d = v.density2d;
    if (
      !isObj(d) ||
      !isNum(d.nx) ||
      !isNum(d.ny) ||
      !isNumArray(d.values) ||
      d.values.length !== d.nx * d.ny
    )
      return false;
  }
  return true;
}

export function isExprCheck(v: unknown): v is ExprCheck {
  return (
    isObj(v) &&
    isBool(v.ok) &&
    opt(v.dims, (d): d is 1 | 2 => d === 1 || d === 2) &&
    opt(v.error, isStr) &&
    opt(v.column, isNum)
  );
}

// ───────────── model summary ─────────────

function isShape(v: unknown): v is Shape {
  return v === null || (Array.isArray(v) && v.every((d) => isNum(d) || isStr(d)));
}
function isLayer(v: unknown): v is LayerResult {
  return (
    isObj(v) &&
    isNum(v.line) &&
    isStr(v.name) &&
    isStr(v.type) &&
    isShape(v.input) &&
    isShape(v.output) &&
    (isNum(v.params) || v.params === null) &&
    opt(v.macs, isNum)
  );
}
const isBytes = (x: unknown): x is number | null => isNum(x) || x === null;
function isMemory(v: unknown): v is ModelMemory {
  return isObj(v) && isBytes(v.activationBytes) && isBytes(v.paramBytes) && isBytes(v.adamBytes);
}
function isRange(v: unknown): v is SourceRange {
  return isObj(v) && isNum(v.line) && isNum(v.column) && isNum(v.endLine) && isNum(v.endColumn);
}
function isModuleCall(v: unknown): v is ModuleCall {
  return (
    isObj(v) && isRange(v.range) && isArrayOf(v.inputs, isShape) && isArrayOf(v.outputs, isShape)
  );
}
const MODULE_KINDS = ['leaf', 'Sequential', 'ModuleList', 'ModuleDict', 'user'];
function isModuleNode(v: unknown): v is ModuleNode {
  return (
    isObj(v) &&
    isStr(v.path) &&
    isStr(v.type) &&
    isStr(v.kind) &&
    MODULE_KINDS.includes(v.kind) &&
    isNum(v.parent) &&
    opt(v.definition, isRange) &&
    isArrayOf(v.calls, isModuleCall) &&
    isNum(v.callCount) &&
    (isNum(v.params) || v.params === null) &&
    opt(v.signature, isStr)
  );
}
export function isModelResult(v: unknown): v is ModelResult {
  return (
    isObj(v) &&
    isStr(v.name) &&
    isNum(v.line) &&
    (v.kind === 'module' || v.kind === 'sequential') &&
    isArrayOf(v.input, isShape) &&
    isStr(v.inputSource) &&
    isShape(v.output) &&
    (isNum(v.params) || v.params === null) &&
    opt(v.paramsKnown, isNum) &&
    opt(v.macs, isNum) &&
    opt(v.macsKnown, isNum) &&
    opt(v.macsUncounted, (x): x is string[] => isArrayOf(x, isStr)) &&
    opt(v.memory, isMemory) &&
    isArrayOf(v.layers, isLayer) &&
    opt(v.modules, (x): x is ModuleNode[] => isArrayOf(x, isModuleNode)) &&
    opt(v.traceComplete, isBool)
  );
}

function isSummaryRow(v: unknown): v is SummaryRow {
  return (
    isObj(v) &&
    isNum(v.depth) &&
    isStr(v.layer) &&
    opt(v.path, isStr) &&
    isStr(v.type) &&
    opt(v.line, isNum) &&
    isStr(v.output) &&
    isStr(v.params) &&
    isStr(v.macs) &&
    isBool(v.unknown) &&
    opt(v.folded, isBool) &&
    opt(v.opened, isBool)
  );
}
const isStrList = (x: unknown): x is string[] => isArrayOf(x, isStr);
/** Also what the host reads back from workspace state. */
export function isSummaryPage(v: unknown): v is SummaryPage {
  return (
    isObj(v) &&
    isStr(v.title) &&
    isStr(v.input) &&
    isStr(v.output) &&
    Array.isArray(v.rows) &&
    v.rows.length <= MAX_SUMMARY_ROWS &&
    v.rows.every(isSummaryRow) &&
    isStr(v.totalParams) &&
    isStr(v.totalMacs) &&
    isStr(v.memory) &&
    isStr(v.name) &&
    isStr(v.file) &&
    isNum(v.depth) &&
    isNum(v.deepest) &&
    isNum(v.limit) &&
    isStrList(v.open) &&
    isNum(v.more) &&
    isBool(v.live)
  );
}
/** A row count or depth the page may ask for: a whole number in range. */
const isCount = (v: unknown, max: number): boolean =>
  isNum(v) && Number.isInteger(v) && v >= 1 && v <= max;

function isDefaults(v: unknown): v is WebviewDefaults {
  return (
    isObj(v) &&
    isSamplerName(v.sampler) &&
    isNum(v.n) &&
    isNum(v.chains) &&
    isNum(v.seed) &&
    isStr(v.expr) &&
    opt(v.epochs, isNum) &&
    opt(v.limit, isNum) &&
    opt(v.tuning, isSamplerTuning) &&
    opt(v.warmup, isNum)
  );
}

const TABS = ['training', 'sampling', 'summary'];

type Fields<U extends { type: string }, T extends U['type']> = {
  [K in keyof Omit<Extract<U, { type: T }>, 'type'>]-?: unknown;
};
/** A guard for each message type, given the message's other fields as unknowns. */
type GuardTable<U extends { type: string }> = { [T in U['type']]: (v: Fields<U, T>) => boolean };

const HOST_TO_WEBVIEW: GuardTable<HostToWebview> = {
  init: (v) =>
    isArrayOf(v.runs, isStoredTrainRun) &&
    isArrayOf(v.samples, isSampleResult) &&
    (v.summary === null || isSummaryPage(v.summary)) &&
    isDefaults(v.defaults),
  trainEvent: (v) => isTrainEvent(v.event),
  trainBatches: (v) =>
    Array.isArray(v.events) &&
    v.events.every((e) => isObj(e) && e.event === 'batch' && isTrainEvent(e)),
  trainError: (v) => isStr(v.runId) && isStr(v.message),
  trainProgress: (v) => isLiveTrainSnapshot(v.progress),
  sampleError: (v) => isStr(v.runId) && isStr(v.message),
  sampleStart: (v) => isSampleRequestParams(v.params),
  sampleProgress: (v) => isSampleProgress(v.event),
  sampleResult: (v) => isSampleResult(v.result),
  exprCheck: (v) => isStr(v.expr) && isExprCheck(v.result),
  summary: (v) => v.page === null || isSummaryPage(v.page),
  showTab: (v) => isStr(v.tab) && TABS.includes(v.tab),
  stepTrace: (v) => isStepTrace(v.trace),
  stepTraceError: (v) => isStr(v.message),
  scalars: (v) => isArrayOf(v.series, isScalarSeries) && opt(v.replace, isBool),
};

const WEBVIEW_TO_HOST: GuardTable<WebviewToHost> = {
  ready: () => true,
  stop: () => true,
  clearRuns: () => true,
  clearSamples: () => true,
  runSample: (v) => isSampleRequestParams(v.params),
  checkExpr: (v) => isStr(v.expr) && v.expr.length <= 2000 && opt(v.logDensity, isBool),
  compare: (v) => isNum(v.epochs) && isNum(v.limit),
  saveFile: (v) =>
    isStr(v.name) &&
    (v.mime === 'text/csv' || v.mime === 'image/png' || v.mime === 'image/svg+xml') &&
    isStr(v.data),
  removeSample: (v) => isStr(v.runId),
  saveDraws: (v) => isStr(v.runId),
  saveRunCsv: (v) => isStr(v.runId),
  traceSteps: (v) => isSampleRequestParams(v.params) && isNum(v.steps),
  openSource: (v) => isNum(v.line) && Number.isInteger(v.line) && v.line >= 1,
  summaryView: (v) =>
    isCount(v.depth, 1000) &&
    isCount(v.limit, MAX_SUMMARY_ROWS) &&
    Array.isArray(v.open) &&
    v.open.length <= MAX_OPEN_ROWS &&
    v.open.every((p) => isStr(p) && p.length <= 1000),
  saveSummaryCsv: () => true,
};

function checkWith<U extends { type: string }>(table: GuardTable<U>, v: unknown): v is U {
  if (!isObj(v) || !isStr(v.type) || !Object.hasOwn(table, v.type)) return false;
  // The table is keyed by type, so the guard found is the one for v.type; the fields it reads are
  // unknowns it checks itself.
  const guard = table[v.type as U['type']] as (fields: Rec) => boolean;
  return guard(v);
}

/** Is this a well-formed host → webview message? (The page's one entry point.) */
export function isHostToWebview(v: unknown): v is HostToWebview {
  return checkWith(HOST_TO_WEBVIEW, v);
}

/** Is this a well-formed webview → host message? (The host's one entry point.) */
export function isWebviewToHost(v: unknown): v is WebviewToHost {
  return checkWith(WEBVIEW_TO_HOST, v);
}

/**
 * An init message whose envelope is fine but some stored runs or results are not (an older or
 * damaged runs.json): keep the good ones rather than blanking the whole panel. Null when the rest
 * of the message is malformed too.
 */
export function salvageInit(v: unknown): { msg: HostToWebview; dropped: number } | null {
  if (!isObj(v) || v.type !== 'init' || !Array.isArray(v.runs) || !Array.isArray(v.samples))
    return null;
  const runs = v.runs.filter(isStoredTrainRun);
  const samples = v.samples.filter(isSampleResult);
  const msg = { ...v, runs, samples };
  if (!isHostToWebview(msg)) return null;
  return { msg, dropped: v.runs.length - runs.length + v.samples.length - samples.length };
}
