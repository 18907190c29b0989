// A sampling job's progress as it streams: per chain how far it is and a thinned trace of its draws.
// The page folds the progress events into it to draw the job's card, and the host folds the same
// events into its own copy, so a page that opens (or reloads) mid-run gets the card as it is instead
// of only the events after its init. One fold for both, so the two copies cannot drift apart.
import { decimate } from './series';
import type { SampleProgressEvent } from '../sampling/types';

/** Points kept per chain's live trace. */
const LIVE_TRACE_POINTS = 2000;

export interface LiveSample {
  chains: Map<number, { done: number; total: number }>;
  /** A thinned live trace per chain, from the progress events. */
  trace: Map<number, number[]>;
  phase: 'queued' | 'warmup' | 'sampling';
}

export function foldProgress(p: LiveSample, e: SampleProgressEvent): void {
  p.phase = e.phase ?? 'sampling';
  p.chains.set(e.chain, { done: e.done, total: e.total });
  // Rejection sampling raised its envelope and started over: the draws so far are void.
  if (e.restarted) p.trace.clear();
  const tr = p.trace.get(e.chain) ?? [];
  for (const x of e.x) tr.push(x);
  p.trace.set(e.chain, tr.length > LIVE_TRACE_POINTS ? decimate(tr, LIVE_TRACE_POINTS) : tr);
}

/**
 * Progress events that fold into a fresh LiveSample equal to `p`: one per chain with its trace so
 * far, the current phase on each.
 */
export function replayProgress(runId: string, p: LiveSample): SampleProgressEvent[] {
  return [...p.chains].map(([chain, c]) => ({
    event: 'progress',
    runId,
    chain,
    start: 0,
    x: [...(p.trace.get(chain) ?? [])],
    done: c.done,
    total: c.total,
    phase: p.phase === 'queued' ? 'sampling' : p.phase,
  }));
}
