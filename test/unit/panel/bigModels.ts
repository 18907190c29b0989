// The engine's own analyses of two 20,000-module models, for the Summary's size checks: the
// adversarial ModuleList of 20,000 Linear (one folded row), and a Sequential of 10,000 Linear and
// 10,000 ReLU alternating (nothing folds: 20,001 rows at the default depth).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/shapes';
import type { ModelResult } from '../../../src/shapes/types';

const MODULELIST = 'test/adversarial/shapes-resources/huge_modulelist.py';

const ALTERNATING = `import torch.nn as nn


# input: (1, 10)
class Alternating(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            *[nn.Linear(10, 10) if i % 2 == 0 else nn.ReLU() for i in range(20000)]
        )

    def forward(self, x):
        return self.body(x)
`;

function only(source: string, file: string): ModelResult {
  const models = analyze(source, { file }).models;
  if (models.length !== 1) throw new Error(`${file}: expected one model, got ${models.length}`);
  return models[0];
}

/** huge_modulelist.py as committed (its forward calls only the head). */
export function hugeModuleList(): ModelResult {
  return only(readFileSync(join(__dirname, '..', '..', '..', MODULELIST), 'utf8'), MODULELIST);
}

export function alternating(): ModelResult {
  return only(ALTERNATING, 'alternating.py');
}
