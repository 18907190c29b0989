// Tensor Lens: Follow Training Run… — tails a folder that runs started elsewhere write to (the
// runner's --log-dir on a cluster, a synced folder) and draws them in the panel as they grow, as if
// they were trained here. Lines of events.jsonl are checked like any message before the panel sees
// them. TensorBoard scalars are not Tensor Lens runs (a tag is whatever the user's code logged, so
// turning it into epochs or a loss curve would invent meaning): they go to the panel as their own
// series per run and tag, drawn as such.
import * as vscode from 'vscode';
import { isTrainEvent } from './common/guards';
import { groupScalars, type ScalarSeries } from './common/scalars';
import type { TrainEvent } from './training/types';

export interface FollowSink {
  showTrainEvent(e: TrainEvent): void;
  showScalars(series: ScalarSeries[], replace?: boolean): void;
  reveal(tab: 'training'): void;
}

const SCAN_MS = 1000;
/** Per file per scan (see Follower): a large log is caught up over a few seconds. */
const MAX_BYTES_PER_SCAN = 4 * 1024 * 1024;

export class RunFollowing {
  private stopCurrent: (() => void) | undefined;

  constructor(
    private readonly sink: FollowSink,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The command: a folder (an argument, else asked for), then follow it until Stop or Cancel. */
  async follow(dirArg?: unknown): Promise<void> {
    let dir = typeof dirArg === 'string' && dirArg.trim() ? dirArg.trim() : undefined;
    if (!dir) {
      const picked = await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        openLabel: 'Follow',
        title: 'Folder the runs write to (the --log-dir, or a TensorBoard log folder)',
      });
      dir = picked?.[0]?.fsPath;
    }
    if (!dir) return;
    this.stop();
    const { Follower } = await import('./training/pytorch/follow');
    const warned = new Set<string>();
    const follower = new Follower(
      dir,
      (m) => {
        if (!warned.has(m.split(':')[0])) this.log.warn(m);
        warned.add(m.split(':')[0]);
      },
      MAX_BYTES_PER_SCAN,
    );
    this.log.info(`following training runs in ${dir}`);
    // A new folder's scalars replace the last one's.
    this.sink.showScalars([], true);
    const tags = new Set<string>();
    this.sink.reveal('training');
    const scan = (): boolean => {
      let items;
      try {
        items = follower.scan();
      } catch (e) {
        // A corrupt TensorBoard file: the message names it; following stops rather than skip blindly.
        const msg = e instanceof Error ? e.message : String(e);
        this.log.error(`following ${dir} stopped: ${msg}`);
        void vscode.window.showErrorMessage(`Tensor Lens stopped following ${dir}: ${msg}`);
        return false;
      }
      const scalars: Extract<(typeof items)[number], { kind: 'scalar' }>[] = [];
      for (const item of items) {
        if (item.kind === 'scalar') {
          scalars.push(item);
          if (!tags.has(`${item.run}\u0000${item.tag}`)) {
            tags.add(`${item.run}\u0000${item.tag}`);
            this.log.info(`${item.run}: TensorBoard scalar ${item.tag}, drawn in the panel`);
          }
        } else if (isTrainEvent(item.event)) {
          this.sink.showTrainEvent(item.event);
        } else if (!warned.has(item.run)) {
          warned.add(item.run);
          this.log.warn(
            `${item.run}: a line that is not a Tensor Lens training event (train --json) is skipped`,
          );
        }
      }
      if (scalars.length) this.sink.showScalars(groupScalars(scalars));
      return true;
    };
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Tensor Lens: following runs in ${dir}`,
        cancellable: true,
      },
      (_progress, token) =>
        new Promise<void>((resolve) => {
          const timer = setInterval(() => {
            if (!scan()) end();
          }, SCAN_MS);
          let ended = false;
          const end = (): void => {
            if (ended) return;
            ended = true;
            clearInterval(timer);
            if (this.stopCurrent === end) this.stopCurrent = undefined;
            this.log.info(`stopped following ${dir}`);
            resolve();
          };
          this.stopCurrent = end;
          token.onCancellationRequested(end);
          if (!scan()) end();
        }),
    );
  }

  /** Stop following (tensorLens.stopRun, a new folder, deactivation). */
  stop(): void {
    this.stopCurrent?.();
  }
}
