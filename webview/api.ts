// The only door to the host. acquireVsCodeApi may be called once per page and the docs ask to keep
// the object private, so it lives in this module's closure (the bundle is an IIFE) and only typed
// helpers are exported.
import type { SamplerName } from '../src/common/messages';
import type { WebviewToHost } from '../src/common/messages';
import { isSamplerName } from '../src/common/messages';
import type { Tab } from './store';
import { isXAxis, type XAxis } from './axes';
import { emptyTuningText, type TuningText } from './tuningForm';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function post(msg: WebviewToHost): void {
  api.postMessage(msg);
}

/** What the page remembers across hide/show and reload (the data itself is replayed by the host). */
export interface UiState {
  tab: Tab;
  expr: string;
  logDensity: boolean;
  sampler: SamplerName;
  n: string;
  chains: string;
  seed: string;
  range: string;
  selected: string[];
  smoothing: number;
  epochs: string;
  limit: string;
  /** The training charts' x axis and the loss chart's log scale. */
  xAxis: XAxis;
  logY: boolean;
  /** The Sampling form's tuning fields and warm-up, as typed ("" is auto). */
  tuning: TuningText;
  warmup: string;
}

export function loadState(): Partial<UiState> {
  const s = api.getState();
  if (typeof s !== 'object' || s === null) return {};
  const r = s as Record<string, unknown>;
  const out: Partial<UiState> = {};
  if (r.tab === 'training' || r.tab === 'sampling' || r.tab === 'summary') out.tab = r.tab;
  for (const k of ['expr', 'n', 'chains', 'seed', 'range', 'epochs', 'limit'] as const)
    if (typeof r[k] === 'string') out[k] = r[k];
  if (typeof r.logDensity === 'boolean') out.logDensity = r.logDensity;
  if (isSamplerName(r.sampler)) out.sampler = r.sampler;
  if (Array.isArray(r.selected))
    out.selected = r.selected.filter((x): x is string => typeof x === 'string');
  if (typeof r.smoothing === 'number' && Number.isFinite(r.smoothing)) out.smoothing = r.smoothing;
  if (isXAxis(r.xAxis)) out.xAxis = r.xAxis;
  if (typeof r.logY === 'boolean') out.logY = r.logY;
  if (typeof r.warmup === 'string') out.warmup = r.warmup;
  if (typeof r.tuning === 'object' && r.tuning !== null) {
    const t = r.tuning as Record<string, unknown>;
    const tuning = emptyTuningText();
    for (const k of Object.keys(tuning) as (keyof TuningText)[])
      if (typeof t[k] === 'string') tuning[k] = t[k];
    out.tuning = tuning;
  }
  return out;
}

export function saveState(s: UiState): void {
  api.setState(s);
}
