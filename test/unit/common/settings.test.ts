// The settings table in src/common/settings.ts against the settings VS Code shows (package.json):
// the same keys, the same defaults and the same enum values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BACKENDS,
  checkSetting,
  readSettings,
  SETTING_DEFAULTS,
  type SettingKey,
} from '../../../src/common/settings';
import { SAMPLERS } from '../../../src/sampling/samplers';

interface Property {
  default: unknown;
  enum?: unknown[];
}
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Property> } };
};
const declared = pkg.contributes.configuration.properties;

test('every setting in package.json is in the table with the same default, and no other', () => {
  const keys = Object.keys(declared)
    .map((k) => k.replace(/^tensorLens\./, ''))
    .sort();
  assert.deepEqual(Object.keys(SETTING_DEFAULTS).sort(), keys);
  for (const [k, d] of Object.entries(SETTING_DEFAULTS))
    assert.deepEqual(d, declared[`tensorLens.${k}`].default, k);
});

test('the enum settings list the same values as the code accepts', () => {
  assert.deepEqual(declared['tensorLens.backend'].enum, [...BACKENDS]);
  assert.deepEqual(declared['tensorLens.sampling.sampler'].enum, [...SAMPLERS]);
});

test('a value of the wrong type or outside its enum reads as the default', () => {
  assert.equal(checkSetting('seed', '7'), 42);
  assert.equal(checkSetting('seed', Number.NaN), 42);
  assert.equal(checkSetting('seed', 7), 7);
  assert.equal(checkSetting('backend', 'gpu'), 'auto');
  assert.equal(checkSetting('backend', 'wasm'), 'wasm');
  const s = readSettings((k: SettingKey) => (k === 'training.epochs' ? 5 : undefined));
  assert.equal(s['training.epochs'], 5);
  assert.equal(s['sampling.defaultDensity'], SETTING_DEFAULTS['sampling.defaultDensity']);
});
