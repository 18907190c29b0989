// nn.TransformerEncoder(layer, num_layers) deep-copies `layer`: the shape engine lists the copies as
// layers `<enc>.layers.0 … N−1` (each its own module, so each trains its own weights), and here each
// copy after the first is told to start from the first's values, as PyTorch's copies do. The
// engine's TransformerEncoder forward ignores a mask, so a call that passes one is refused rather
// than trained without it.
import type { ModelResult } from '../../shapes/types';
import type { LayerSpec } from '../spec';
import { TranslateError } from '../translate';

export function encoderCopies(model: ModelResult, layers: LayerSpec[]): void {
  for (const m of model.modules ?? []) {
    if (m.type !== 'TransformerEncoder') continue;
    for (const call of m.calls)
      if (call.inputs.length > 1)
        throw new TranslateError(
          `line ${call.range.line}: TransformerEncoder ${m.path}: it is called with a mask (${call.inputs.length} tensors), which the translation does not reproduce; call it with the input alone to train it`,
          call.range.line,
        );
    if (m.callCount > m.calls.length)
      throw new TranslateError(
        `TransformerEncoder ${m.path}: called ${m.callCount} times, more than the trace keeps to check for masks`,
      );
    const prefix = m.path ? `${m.path}.layers.` : 'layers.';
    for (const l of layers)
      if (/^[1-9]\d*$/.test(l.name.slice(prefix.length)) && l.name.startsWith(prefix))
        l.initFrom = `${prefix}0`;
  }
}
