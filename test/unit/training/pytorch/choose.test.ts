// Which backend an editor request goes to: the trust gate, `pytorch` refusing with its reason, and
// `auto` taking PyTorch only for a file's model when the Python imports torch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelSpec } from '../../../../src/training/types';
import { chooseBackend, RESTRICTED_WHY } from '../../../../src/training/pytorch/choose';
import type { PythonInfo } from '../../../../src/training/pytorch/python';

const file: ModelSpec[] = [{ kind: 'source', file: 'm.py', source: '' }];
const builtin: ModelSpec[] = [{ kind: 'builtin', name: 'cnn' }];
const withTorch: PythonInfo = {
  python: 'python3',
  torch: '1.13.1',
  pythonVersion: '3.11.2',
  cuda: false,
  mps: false,
};
const noTorch: PythonInfo = {
  python: 'python3',
  torch: null,
  pythonVersion: '3.11.2',
  cuda: false,
  mps: false,
  why: 'no torch here',
};
let probes = 0;
const probe = (info: PythonInfo) => (): Promise<PythonInfo> => {
  probes++;
  return Promise.resolve(info);
};

test('Restricted Mode: pytorch refuses and says why, without running Python; auto stays on tfjs', async () => {
  probes = 0;
  assert.deepEqual(await chooseBackend('pytorch', false, file, probe(withTorch)), {
    use: 'refuse',
    why: RESTRICTED_WHY,
  });
  assert.deepEqual(await chooseBackend('auto', false, file, probe(withTorch)), { use: 'tfjs' });
  assert.equal(probes, 0, 'an untrusted workspace never starts its Python');
});

test("pytorch in a trusted workspace: the file's model goes to torch; no torch or a built-in net is refused with the reason", async () => {
  assert.deepEqual(await chooseBackend('pytorch', true, file, probe(withTorch)), {
    use: 'pytorch',
    info: withTorch,
  });
  assert.deepEqual(await chooseBackend('pytorch', true, file, probe(noTorch)), {
    use: 'refuse',
    why: 'no torch here',
  });
  const r = await chooseBackend('pytorch', true, builtin, probe(withTorch));
  assert.equal(r.use, 'refuse');
});

test("auto: PyTorch for a file's model when torch imports, else tfjs; built-ins and explicit tfjs backends stay on tfjs", async () => {
  assert.equal((await chooseBackend('auto', true, file, probe(withTorch))).use, 'pytorch');
  assert.equal((await chooseBackend('auto', true, file, probe(noTorch))).use, 'tfjs');
  assert.equal((await chooseBackend('auto', true, builtin, probe(withTorch))).use, 'tfjs');
  assert.equal((await chooseBackend('wasm', true, file, probe(withTorch))).use, 'tfjs');
});
