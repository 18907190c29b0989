// nn.TransformerEncoder(layer, num_layers) deep-copies `layer`: the shape engine lists the copies as
// layers `<enc>.layers.0 … N−1` (each its own module, so each trains its own weights), and here each
// copy after the first is told to start from the first's values, as PyTorch's copies do. (A mask
// given to the stack reaches each layer's call, where graphTranslate.ts refuses it.)
import type { ModelResult } from '../../shapes/types';
import type { LayerSpec } from '../spec';

export function encoderCopies(model: ModelResult, layers: LayerSpec[]): void {
  for (const m of model.modules ?? []) {
    if (m.type !== 'TransformerEncoder') continue;
    const prefix = m.path ? `${m.path}.layers.` : 'layers.';
    for (const l of layers)
      if (/^[1-9]\d*$/.test(l.name.slice(prefix.length)) && l.name.startsWith(prefix))
        l.initFrom = `${prefix}0`;
  }
}
