// Streams loss points into the Training tab of a harness page and measures its frames, for the
// streaming browser test and the panel bench: the page makes the batch events itself and posts
// `perFrame` of them per animation frame, as the host sends a burst (one trainBatches message per
// frame; the host coalesces what arrives within 16 ms) or, with `oneByOne`, as one message each,
// recording each frame's duration and, per redraw of the
// loss chart, the line segments it drew (Chart.js strokes Path2D objects; their segments count too).
import type { HostToWebview } from '../../src/common/messages';
import type { TrainEvent } from '../../src/training/types';
import { settle, type Harness } from './harness';

export interface StreamResult {
  /** Each frame's duration in ms. */
  frames: number[];
  /** Line segments drawn per redraw of the loss chart. */
  draws: number[];
  /** The loss chart's width in CSS pixels. */
  width: number;
}

const BATCH = 64;

/** Opens a run with one model and streams `points` batch events into it. */
export async function streamLoss(
  h: Harness,
  points: number,
  perFrame: number,
  runId = 'stream',
  oneByOne = false,
): Promise<StreamResult> {
  const init: HostToWebview = {
    type: 'init',
    runs: [],
    samples: [],
    summary: null,
    defaults: { sampler: 'nuts', n: 1000, chains: 2, seed: 1, expr: 'x', epochs: 1, limit: 0 },
  };
  const start: TrainEvent = {
    event: 'start',
    runId,
    backend: 'wasm',
    models: [{ model: 'mlp', params: 535818 }],
    trainSize: points * BATCH,
    testSize: 10000,
    epochs: 1,
    batchSize: BATCH,
  };
  await h.send(init);
  await h.send({ type: 'trainEvent', event: start });
  await settle(h.page);
  const r = await h.page.evaluate(
    ({ points, perFrame, batch, runId, oneByOne }) => {
      // Count the loss chart's line segments per redraw: each clearRect starts one.
      const c = document.querySelector(
        'canvas[aria-label="training loss per batch"]',
      ) as HTMLCanvasElement;
      const ctx = c.getContext('2d') as CanvasRenderingContext2D;
      const draws: number[] = [];
      const clear = ctx.clearRect.bind(ctx);
      const lineTo = ctx.lineTo.bind(ctx);
      ctx.clearRect = (...a: Parameters<CanvasRenderingContext2D['clearRect']>) => {
        draws.push(0);
        clear(...a);
      };
      ctx.lineTo = (x: number, y: number) => {
        if (draws.length) draws[draws.length - 1]++;
        lineTo(x, y);
      };
      // Chart.js builds a line as a Path2D where it can: count each path's segments, and add
      // them to the redraw when the loss chart strokes that path.
      const perPath = new WeakMap<Path2D, number>();
      const pathLineTo = Path2D.prototype.lineTo;
      Path2D.prototype.lineTo = function (this: Path2D, x: number, y: number) {
        perPath.set(this, (perPath.get(this) ?? 0) + 1);
        pathLineTo.call(this, x, y);
      };
      const stroke = ctx.stroke.bind(ctx) as (p?: Path2D) => void;
      ctx.stroke = (p?: Path2D) => {
        if (p && draws.length) draws[draws.length - 1] += perPath.get(p) ?? 0;
        if (p) stroke(p);
        else stroke();
      };
      return new Promise<{ frames: number[]; draws: number[]; width: number }>((resolve) => {
        const frames: number[] = [];
        let sent = 0;
        let last = performance.now();
        let loss = 2.3;
        const frame = (now: number): void => {
          frames.push(now - last);
          last = now;
          const events = [];
          for (let k = 0; k < perFrame && sent < points; k++) {
            sent++;
            // A decaying loss with noise and a spike now and then, like a real curve.
            loss = 0.1 + (loss - 0.1) * 0.9999;
            const y = loss * (1 + 0.3 * Math.sin(sent * 12.9898)) + (sent % 997 === 0 ? 2 : 0);
            events.push({
              event: 'batch',
              runId,
              model: 'mlp',
              epoch: 1,
              batch: sent,
              batches: points,
              samplesSeen: sent * batch,
              loss: y,
            });
          }
          if (oneByOne)
            for (const event of events) window.postMessage({ type: 'trainEvent', event }, '*');
          else window.postMessage({ type: 'trainBatches', events }, '*');
          if (sent < points) requestAnimationFrame(frame);
          else
            // Two more frames for the last messages to be drawn.
            requestAnimationFrame(() =>
              requestAnimationFrame(() => resolve({ frames, draws, width: c.clientWidth })),
            );
        };
        requestAnimationFrame((t) => {
          last = t;
          requestAnimationFrame(frame);
        });
      });
    },
    { points, perFrame, batch: BATCH, runId, oneByOne },
  );
  await settle(h.page);
  return r;
}

/** `n` frames of the page doing nothing: the baseline a streaming frame is compared with. */
export async function idleFrames(h: Harness, n: number): Promise<number[]> {
  return h.page.evaluate(
    (n) =>
      new Promise<number[]>((resolve) => {
        const frames: number[] = [];
        let last = 0;
        const frame = (now: number): void => {
          if (last) frames.push(now - last);
          last = now;
          if (frames.length < n) requestAnimationFrame(frame);
          else resolve(frames);
        };
        requestAnimationFrame(frame);
      }),
    n,
  );
}

export function frameStats(frames: readonly number[]): {
  mean: number;
  median: number;
  p95: number;
  max: number;
} {
  const sorted = [...frames].sort((a, b) => a - b);
  const q = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  const mean = frames.reduce((a, b) => a + b, 0) / frames.length;
  return { mean, median: q(0.5), p95: q(0.95), max: q(1) };
}
