// Every `tensorLens.*` setting with its default, declared once. The host reads them through
// `readSettings`, the page starts its form from the same defaults, and a test checks this table
// against `contributes.configuration` in package.json so the two cannot drift apart.
import { SAMPLERS, type SamplerName } from '../sampling/samplers';
import type { BackendName } from '../training/types';

/** The backend setting: the tfjs backends, or the user's own PyTorch (src/pytorchBackend.ts). */
export type BackendSetting = BackendName | 'pytorch';
export const BACKENDS: readonly BackendSetting[] = ['auto', 'pytorch', 'tensorflow', 'wasm', 'cpu'];
export const DEVICES = ['auto', 'cpu', 'cuda', 'mps'] as const;

/** Setting key (without the `tensorLens.` prefix) → default. */
export const SETTING_DEFAULTS = {
  defaultInput: '',
  backend: 'auto' as BackendSetting,
  tfjsNodePath: '',
  pythonPath: '',
  dataPath: '',
  'codeLens.enabled': true,
  'codeLens.layers': false,
  'inlayHints.enabled': true,
  'training.epochs': 3,
  'training.batchSize': 64,
  'training.threads': 0,
  'training.limit': 0,
  'training.device': 'auto' as (typeof DEVICES)[number],
  'training.processes': 1,
  'sampling.sampler': 'nuts' as SamplerName,
  'sampling.draws': 5000,
  'sampling.chains': 4,
  'sampling.defaultDensity': 'exp(-x^2/2) * (1 + sin(3x)^2)',
  'sampling.warmup': 'auto',
  'sampling.mhScale': 'auto',
  'sampling.stepSize': 'auto',
  'sampling.leapfrogSteps': 'auto',
  'sampling.targetAccept': 'auto',
  'sampling.maxDepth': 'auto',
  seed: 42,
};

export type SettingKey = keyof typeof SETTING_DEFAULTS;
export type Settings = { -readonly [K in SettingKey]: (typeof SETTING_DEFAULTS)[K] };

/** The enum settings: a value outside the list (a typo in settings.json) falls back to the default. */
const ENUMS: Partial<Record<SettingKey, readonly string[]>> = {
  backend: BACKENDS,
  'training.device': DEVICES,
  'sampling.sampler': SAMPLERS,
};

/** A setting's value checked against its default's type: a wrong type or an unknown enum value gives the default. */
export function checkSetting<K extends SettingKey>(key: K, v: unknown): Settings[K] {
  const d = SETTING_DEFAULTS[key];
  const allowed = ENUMS[key];
  const ok =
    typeof v === typeof d &&
    (typeof v !== 'number' || Number.isFinite(v)) &&
    (!allowed || allowed.includes(v as string));
  return (ok ? v : d) as Settings[K];
}

/** All settings from `get` (vscode's `WorkspaceConfiguration.get`, or a test's map), each checked. */
export function readSettings(get: (key: SettingKey) => unknown): Settings {
  const out: Partial<Record<SettingKey, unknown>> = {};
  for (const key of Object.keys(SETTING_DEFAULTS) as SettingKey[])
    out[key] = checkSetting(key, get(key));
  return out as Settings;
}
