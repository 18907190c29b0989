// End-to-end: "Train Model in This File" with tensorLens.backend = pytorch trains examples/mnist_cnn.py
// in Debian's python3-torch (installed by scripts/e2e-setup.sh) through python/tensor_lens_runner.py,
// inside the packaged extension in code-server; the panel draws the run's curves and the output
// channel names the Python that trained it. Its own code-server session, so the settings of
// extension.test.ts stay as they are.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import {
  EXTENSION_ID,
  REPO,
  Session,
  dismissNotifications,
  isWebviewFrame,
  launch,
  missingPrerequisite,
  waitFor,
} from './harness';
import { canvasInk, findWebviewFrame, gotoLine, openFile, runCommand } from './workbench';

const VSIX = process.env.TENSOR_LENS_VSIX ?? join(REPO, 'tensor-lens.vsix');
const EXAMPLES = join(REPO, 'examples');
const PYTHON = '/usr/bin/python3';
const MIN = 60_000;

const torchMissing = ((): string | null => {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { timeout: 60_000 });
  return r.status === 0
    ? null
    : `${PYTHON} cannot import torch: run npm run e2e:setup (it installs Debian's python3-torch)`;
})();

/** The line of the model's class in mnist_cnn.py, from the engine (never hard-coded). */
function modelLine(): number {
  const r = spawnSync(
    process.execPath,
    [join(REPO, 'dist', 'cli.js'), 'shapes', join(EXAMPLES, 'mnist_cnn.py'), '--json'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  const models = (JSON.parse(r.stdout) as { models: { line: number }[] }).models;
  assert.ok(models.length > 0, 'the engine finds no model in examples/mnist_cnn.py');
  return models[0].line;
}

describe('Tensor Lens trains in the user’s PyTorch in code-server', { timeout: 25 * MIN }, () => {
  let s: Session | undefined;

  before(
    async () => {
      if (torchMissing) throw new Error(torchMissing);
      const missing = missingPrerequisite(VSIX);
      if (missing) throw new Error(missing);
      s = await launch({
        vsix: VSIX,
        workspaceFrom: EXAMPLES,
        settings: {
          'tensorLens.backend': 'pytorch',
          'tensorLens.pythonPath': PYTHON,
          'tensorLens.training.device': 'cpu',
          'tensorLens.training.epochs': 2,
          'tensorLens.training.limit': 1024,
          'tensorLens.training.batchSize': 64,
          'tensorLens.seed': 7,
        },
      });
    },
    { timeout: 8 * MIN },
  );

  after(
    async () => {
      if (s) await s.close();
    },
    { timeout: 2 * MIN },
  );

  it(
    'Train Model in This File runs the runner and the panel draws its curves',
    { timeout: 15 * MIN },
    async () => {
      assert.ok(s, 'code-server did not start');
      const session = s;
      const page = session.page;
      await openFile(page, 'mnist_cnn.py');
      await gotoLine(page, modelLine() + 1, 1);
      await dismissNotifications(page);
      await runCommand(page, 'Tensor Lens: Train Model in This File');
      const ours = (f: Frame): boolean => {
        const chain = [
          f.url(),
          f.parentFrame()?.url() ?? '',
          f.parentFrame()?.parentFrame()?.url() ?? '',
        ];
        return (
          chain.some((u) => isWebviewFrame(u)) &&
          chain.some((u) => u.includes(`extensionId=${EXTENSION_ID}`))
        );
      };
      const loss = 'canvas[aria-label="training loss per batch"]';
      const frame = await waitFor(
        'the Tensor Lens panel with its loss chart',
        () => findWebviewFrame(page, loss, ours),
        3 * MIN,
        1000,
      );
      let status = '';
      await waitFor(
        'the PyTorch run to finish (status "Done: …")',
        async () => {
          status = (
            (await frame
              .locator('.status-text')
              .first()
              .textContent()
              .catch(() => '')) ?? ''
          ).trim();
          const error = (
            (await frame
              .locator('.error-text')
              .first()
              .textContent()
              .catch(() => '')) ?? ''
          ).trim();
          if (error) throw new Error(`the panel shows an error: ${error}`);
          if (/^(Failed|Stopped)/.test(status)) throw new Error(`training ended: ${status}`);
          return /^Done/.test(status);
        },
        10 * MIN,
        2000,
      ).catch((e: Error) => {
        throw new Error(
          `${e.message}; last status: ${JSON.stringify(status)}; log:\n${session.outputChannelLog().slice(-2000)}`,
        );
      });
      await session.screenshot('pytorch-training-done');
      assert.match(status, /Net/, `status: ${status}`);

      // The run went through the runner: the output channel names the Python and its torch.
      const log = session.outputChannelLog();
      assert.match(log, /training on PyTorch: \/usr\/bin\/python3, from tensorLens\.pythonPath/);
      assert.match(log, /torch 1\.13/);

      const ink = await canvasInk(frame, loss);
      assert.ok(ink && ink.inked > 60, `the loss chart is empty: ${JSON.stringify(ink)}`);
      const acc = await canvasInk(frame, 'canvas[aria-label="test accuracy per epoch"]');
      assert.ok(acc && acc.inked > 0, 'the accuracy chart is empty');
      console.log(`# PyTorch run in code-server: ${status}; loss chart ${ink.inked} inked pixels`);
    },
  );
});
