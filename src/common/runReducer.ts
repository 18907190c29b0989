// The one fold of a training run's event stream into its record. The host's run store (what is saved
// and replayed) and the page (what is drawn live) both use it, so a run looks the same whether the page
// watched it live or got it back after a reload.
import type { StoredTrainRun } from './messages';
import type {
  TrainBatchEvent,
  TrainEvent,
  TrainRequestParams,
  TrainStartEvent,
} from '../training/types';
import { decimate, type SamplesAxis } from './series';

/** A run's record from its start event. `params` is what the host asked for; unknown on the page. */
export function startRun(
  e: TrainStartEvent,
  params: TrainRequestParams | undefined,
  startedAt: string,
): StoredTrainRun {
  return {
    runId: e.runId,
    startedAt,
    backend: e.backend,
    params: params ?? unknownParams(e.epochs, e.batchSize),
    models: e.models,
    batches: Object.fromEntries(e.models.map((m) => [m.model, []])),
    epochs: [],
    trainSize: e.trainSize,
    testSize: e.testSize,
    batchClock: Object.fromEntries(e.models.map((m) => [m.model, []])),
    epochClock: [],
    ...(e.hyper ? { hyper: e.hyper } : {}),
    ...(e.data !== undefined ? { data: e.data } : {}),
    ...(e.device !== undefined ? { device: e.device } : {}),
  };
}

/** The request of a run whose start we did not see: only what its events say is known. */
export function unknownParams(epochs: number, batchSize: number): TrainRequestParams {
  return { models: [], epochs, batchSize, limit: 0, dataPath: '', seed: 0, backend: 'auto' };
}

/** The optimizer step of a batch event, or NaN when the event does not say how many an epoch has. */
export function batchStep(e: TrainBatchEvent): number {
  return e.batches > 0 ? (e.epoch - 1) * e.batches + e.batch : NaN;
}

/**
 * Folds one batch, epoch, eval or done event into `run`. A diverged loss (NaN) has no point on the
 * curve: it would be null after JSON, which no chart can draw and no stored run may hold. Loss points
 * beyond `maxLossPoints` per model are decimated. `seconds` is the wall time since the run started
 * when the event arrived. Returns false for an event that changed nothing.
 */
export function foldTrainEvent(
  run: StoredTrainRun,
  axis: SamplesAxis,
  e: Exclude<TrainEvent, TrainStartEvent>,
  maxLossPoints: number,
  seconds?: number,
): boolean {
  switch (e.event) {
    case 'batch': {
      if (!Number.isFinite(e.loss)) return false;
      const pts = (run.batches[e.model] ??= []);
      const clock = run.batchClock?.[e.model];
      // The clock stays index-aligned with the losses, or is dropped for this model: a step or a time
      // paired with the wrong loss would be a wrong number.
      const step = batchStep(e);
      if (clock && clock.length === pts.length && Number.isFinite(step) && seconds !== undefined)
        clock.push([step, Math.max(0, seconds)]);
      else if (run.batchClock && clock) delete run.batchClock[e.model];
      pts.push([axis.x(e.model, e.samplesSeen), e.loss]);
      if (pts.length > maxLossPoints) {
        run.batches[e.model] = decimate(pts, maxLossPoints);
        const c = run.batchClock?.[e.model];
        if (c && run.batchClock) run.batchClock[e.model] = decimate(c, maxLossPoints);
      }
      return true;
    }
    case 'epoch': {
      const clock = run.epochClock;
      if (clock && clock.length === run.epochs.length && seconds !== undefined)
        clock.push(Math.max(0, seconds));
      else delete run.epochClock;
      run.epochs.push(e);
      return true;
    }
    case 'done':
      run.done = e;
      if (e.backend) run.backend = e.backend;
      return true;
    case 'eval':
      // The latest epoch's evaluation is what the Evaluation view shows; older ones are not kept.
      (run.evals ??= {})[e.model] = e;
      return true;
  }
}
