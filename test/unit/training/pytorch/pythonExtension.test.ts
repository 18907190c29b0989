// The Python extension's selected interpreter, read through its environments API with exports shaped
// as ms-python.python documents them (getActiveEnvironmentPath → { id, path }; resolveEnvironment →
// { executable: { uri } }), and every way those untyped exports can disappoint: each gives null, so the
// caller falls back to python3 instead of guessing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectedInterpreter } from '../../../../src/training/pytorch/pythonExtension';

const file = { fsPath: '/work/proj/model.py' };

function api(over: { path?: unknown; resolved?: unknown; resolve?: () => Promise<unknown> } = {}) {
  const seen: unknown[] = [];
  return {
    seen,
    exports: {
      environments: {
        getActiveEnvironmentPath(resource?: unknown) {
          seen.push(resource);
          return { id: 'venv', path: 'path' in over ? over.path : '/work/proj/.venv' };
        },
        resolveEnvironment(env: unknown) {
          seen.push(env);
          if (over.resolve) return over.resolve();
          return Promise.resolve(
            'resolved' in over
              ? over.resolved
              : { executable: { uri: { fsPath: '/work/proj/.venv/bin/python' } } },
          );
        },
      },
    },
  };
}

test('the selected environment resolves to its executable, asked for the model file', async () => {
  const a = api();
  assert.equal(await selectedInterpreter(a.exports, file), '/work/proj/.venv/bin/python');
  assert.deepEqual(a.seen, [file, { id: 'venv', path: '/work/proj/.venv' }]);
  // The activation's promise works as well as the exports themselves.
  assert.equal(
    await selectedInterpreter(Promise.resolve(api().exports), file),
    '/work/proj/.venv/bin/python',
  );
});

test('no API, no selection, no executable, a failing or slow extension: null, never a guess', async () => {
  assert.equal(await selectedInterpreter(undefined), null);
  assert.equal(await selectedInterpreter({}), null);
  assert.equal(await selectedInterpreter({ environments: { getActiveEnvironmentPath: 1 } }), null);
  assert.equal(await selectedInterpreter(api({ path: '' }).exports), null);
  assert.equal(await selectedInterpreter(api({ resolved: undefined }).exports), null);
  // A conda environment without a python binary resolves with no executable uri.
  assert.equal(await selectedInterpreter(api({ resolved: { executable: {} } }).exports), null);
  assert.equal(
    await selectedInterpreter(api({ resolve: () => Promise.reject(new Error('x')) }).exports),
    null,
  );
  assert.equal(await selectedInterpreter(Promise.reject(new Error('activation failed'))), null);
  const never = api({ resolve: () => new Promise(() => undefined) }).exports;
  assert.equal(await selectedInterpreter(never, file, 50), null);
});
