// Whether a training request in the editor goes to the user's PyTorch or to tfjs. Pure, so the rules
// are tested without VS Code: `pytorch` is explicit and refuses (with the reason) when it cannot run;
// `auto` takes PyTorch only for a file's model, in a trusted workspace, when the Python imports torch.
import type { ModelSpec } from '../types';
import type { PythonInfo } from './python';

export type BackendChoice =
  { use: 'tfjs' } | { use: 'pytorch'; info: PythonInfo } | { use: 'refuse'; why: string };

export const RESTRICTED_WHY =
  'the PyTorch backend runs your file in your Python, so it is off in Restricted Mode; trust this workspace (Workspaces: Manage Workspace Trust) or set tensorLens.backend to auto, wasm or cpu';

export async function chooseBackend(
  setting: string,
  trusted: boolean,
  models: ModelSpec[],
  probe: () => Promise<PythonInfo>,
): Promise<BackendChoice> {
  const fromFile = models.length === 1 && models[0].kind === 'source';
  if (setting === 'pytorch') {
    if (!trusted) return { use: 'refuse', why: RESTRICTED_WHY };
    if (!fromFile)
      return {
        use: 'refuse',
        why: 'the PyTorch backend trains the model in your file; the built-in MLP and CNN (and Compare) train on tfjs: set tensorLens.backend to auto',
      };
    const info = await probe();
    return info.torch
      ? { use: 'pytorch', info }
      : { use: 'refuse', why: info.why ?? `${info.python} cannot import torch` };
  }
  if (setting !== 'auto' || !trusted || !fromFile) return { use: 'tfjs' };
  const info = await probe();
  return info.torch ? { use: 'pytorch', info } : { use: 'tfjs' };
}
