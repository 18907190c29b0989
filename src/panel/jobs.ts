// The panel's jobs: training runs (one at a time), the sampling queue (one job at a time: the worker
// is one thread and results arrive in request order) and the export of every draw of a stored run.
// Each runs in the worker with a cancellable progress notification from the one helper below.
import * as vscode from 'vscode';
import type { SampleRequestParams } from '../sampling/types';
import type { TrainRequestParams } from '../training/types';
import type { EngineClient } from '../worker/client';
import { EngineError } from '../worker/client';
import type { Pages } from './pages';
import { errorText } from '../common/errors';
import type { RunStore } from './runStore';
import { safeSaveName } from './hostMessages';
import type { HostToWebview } from '../common/messages';
import { foldProgress, replayProgress, type LiveSample } from '../common/liveSample';

/** What the jobs need of the engine client (a fake in tests). */
export type Engine = Pick<EngineClient, 'request'>;

export function isCancel(e: unknown): boolean {
  return e instanceof EngineError && e.cancelled;
}

/**
 * A cancellable notification for a job: `abort` fires when the user cancels it, and `report(pct)`
 * advances the bar to pct % (reports that do not move it forward are dropped).
 */
function withJobProgress<T>(
  title: string,
  abort: AbortController,
  job: (report: (pct: number, message?: string) => void) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(() => abort.abort());
      let last = 0;
      return job((pct, message) => {
        if (pct <= last) return;
        progress.report({ increment: pct - last, message });
        last = pct;
      });
    },
  );
}

const percent = (done: number, total: number): number =>
  total > 0 ? Math.floor((100 * done) / total) : 0;

interface SampleJob {
  params: SampleRequestParams;
  abort: AbortController;
  /** Its progress so far, for a page that opens mid-run. */
  live: LiveSample;
}

export class Jobs {
  private training: AbortController | undefined;
  private readonly sampleQueue: SampleJob[] = [];
  private sampling = false;
  private nextSample = 1;

  constructor(
    private readonly client: Engine,
    private readonly store: RunStore,
    private readonly pages: Pages,
    private readonly log: vscode.LogOutputChannel,
    /** Resolves once past runs are loaded (a new run must not be overwritten by the load). */
    private readonly loaded: () => Promise<void>,
  ) {}

  /**
   * Sampling jobs queued or running as a page that saw every event has them: each job's start and
   * its progress so far (a page that opens mid-run would otherwise start from the next event).
   */
  liveSamples(): HostToWebview[] {
    return this.sampleQueue.flatMap((j): HostToWebview[] => [
      { type: 'sampleStart', params: j.params },
      ...replayProgress(j.params.runId ?? '', j.live).map((event): HostToWebview => ({
        type: 'sampleProgress',
        event,
      })),
    ]);
  }

  async train(params: TrainRequestParams, title: string): Promise<void> {
    if (this.training) {
      const choice = await vscode.window.showWarningMessage(
        'A training run is in progress.',
        'Stop It and Start This One',
        'Keep It',
      );
      if (choice !== 'Stop It and Start This One') return;
      this.training.abort();
    }
    const abort = new AbortController();
    this.training = abort;
    await this.loaded();
    const { store, pages, log } = this;
    const runId = params.runId ?? '';
    store.expect(runId, params);
    pages.reveal('training');
    log.info(
      `training ${params.models.map((m) => (m.kind === 'builtin' ? m.name : (m.className ?? m.file))).join(' + ')}: ${params.epochs} epoch(s), batch ${params.batchSize}, limit ${params.limit || 'none'}, data ${params.dataPath || 'embedded subset'}, backend ${params.backend}, seed ${params.seed}`,
    );
    try {
      await withJobProgress(title, abort, async (report) => {
        const done = await this.client.request(
          'train',
          params,
          (e) => {
            store.onTrainEvent(e);
            pages.broadcast({ type: 'trainEvent', event: e });
            if (e.event === 'batch') {
              const models = params.models.length;
              const modelIndex = Math.max(
                0,
                store
                  .runs()
                  .find((r) => r.runId === e.runId)
                  ?.models.findIndex((m) => m.model === e.model) ?? 0,
              );
              report(
                percent(
                  modelIndex * params.epochs * e.batches + (e.epoch - 1) * e.batches + e.batch,
                  models * params.epochs * e.batches,
                ),
                `${e.model} epoch ${e.epoch}/${params.epochs}`,
              );
            }
          },
          abort.signal,
        );
        const summaryText = done.models
          .map(
            (m) =>
              `${m.model} ${m.finalTestAcc === null ? 'no epoch finished' : `${(m.finalTestAcc * 100).toFixed(2)} %`}`,
          )
          .join(', ');
        log.info(
          `training ${done.cancelled ? 'stopped' : 'finished'} on ${done.backend}: ${summaryText}`,
        );
      });
    } catch (e) {
      if (isCancel(e)) {
        log.info('training stopped');
        // The worker was stopped before it could send its own done event: close the run here.
        store.fail(runId);
        const done = store.runs().find((r) => r.runId === runId)?.done;
        if (done) pages.broadcast({ type: 'trainEvent', event: done });
      } else {
        log.error(`training failed: ${errorText(e)}`);
        store.fail(runId);
        pages.broadcast({ type: 'trainError', runId, message: errorText(e) });
        void vscode.window.showErrorMessage(`Tensor Lens training failed: ${errorText(e)}`);
      }
    } finally {
      if (this.training === abort) this.training = undefined;
    }
  }

  enqueueSample(params: SampleRequestParams): void {
    const job: SampleJob = {
      params: {
        ...params,
        runId: params.runId ?? `sample-${Date.now().toString(36)}-${this.nextSample++}`,
      },
      abort: new AbortController(),
      live: { chains: new Map(), trace: new Map(), phase: 'queued' },
    };
    this.sampleQueue.push(job);
    this.pages.broadcast({ type: 'sampleStart', params: job.params });
    void this.drainSamples();
  }

  /** tensorLens.stopRun: the training run and every sampling job, queued or running. */
  stop(): void {
    this.training?.abort();
    for (const j of this.sampleQueue) j.abort.abort();
  }

  /**
   * Every draw of a stored run: the panel only keeps thinned traces, so the worker re-runs the stored
   * request (same seed ⇒ the same draws) straight into the chosen file.
   */
  async saveDraws(
    runId: string,
    askSaveUri: (name: string) => Thenable<vscode.Uri | undefined>,
  ): Promise<void> {
    const r = this.store.samples().find((s) => s.runId === runId);
    if (!r?.request) {
      void vscode.window.showErrorMessage(
        r
          ? 'Tensor Lens: this run was recorded before draws could be exported; run it again, then use Draws CSV.'
          : 'Tensor Lens: that sampling run is no longer stored; run it again, then use Draws CSV.',
      );
      return;
    }
    const request = r.request;
    const uri = await askSaveUri(
      safeSaveName(`draws-${request.sampler}-${request.seed}.csv`, 'text/csv'),
    );
    if (!uri) return;
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(
        `Tensor Lens: draws can only be written to a local file, not ${uri.toString()}; pick a folder on this machine.`,
      );
      return;
    }
    const abort = new AbortController();
    try {
      const title = `Writing ${request.n.toLocaleString('en-US')} × ${request.chains} draws (${request.sampler})`;
      const done = await withJobProgress(title, abort, (report) =>
        this.client.request(
          'sampleDraws',
          { request, file: uri.fsPath },
          (e) => {
            if (e.chain === 0) report(percent(e.done, e.total));
          },
          abort.signal,
        ),
      );
      this.log.info(`wrote ${done.draws} draws (${done.bytes} bytes) to ${uri.fsPath}`);
      void vscode.window.showInformationMessage(
        `Tensor Lens: saved ${done.draws.toLocaleString('en-US')} draws to ${uri.fsPath}`,
      );
    } catch (e) {
      if (isCancel(e)) return;
      void vscode.window.showErrorMessage(`Tensor Lens: could not save the draws: ${errorText(e)}`);
    }
  }

  private async drainSamples(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    const { store, pages, log } = this;
    try {
      while (this.sampleQueue.length) {
        const job = this.sampleQueue[0];
        const p = job.params;
        const runId = p.runId ?? '';
        try {
          if (job.abort.signal.aborted) throw new EngineError('cancelled', undefined, true);
          await withJobProgress(`Sampling ${p.expr} (${p.sampler})`, job.abort, async (report) => {
            // Progress events come per chain many times a second; the pages redraw once per frame.
            const result = await this.client.request(
              'sample',
              p,
              (e) => {
                foldProgress(job.live, e);
                pages.broadcast({ type: 'sampleProgress', event: e });
                if (e.chain === 0) report(percent(e.done, e.total));
              },
              job.abort.signal,
            );
            const stored = store.addSample(result);
            pages.broadcast({ type: 'sampleResult', result: stored });
            log.info(
              `sampled ${p.expr} with ${p.sampler}: n ${result.n} × ${result.chains}, ESS ${Math.round(result.essBulk)}, R-hat ${Number(result.rhat).toFixed(4)}, ${result.seconds.toFixed(2)} s`,
            );
          });
        } catch (e) {
          const message = isCancel(e) ? 'stopped' : errorText(e);
          if (!isCancel(e)) log.error(`sampling failed: ${message}`);
          pages.broadcast({ type: 'sampleError', runId, message });
        } finally {
          this.sampleQueue.shift();
        }
      }
    } finally {
      this.sampling = false;
    }
  }
}
