// `from ...ops import MLP` (torchvision/models/video/mvit.py): Python's tokenizer reads the three dots
// as one `...` token, and `ast.parse` gives level 3. Lowering keeps all three levels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../../../src/shapes/syntax/lower';

test('three and four leading dots are three and four levels', () => {
  for (const [src, want] of [
    ['from ...ops import MLP', '...ops.MLP'],
    ['from .... import x', '....x'],
    ['from ..a import b', '..a.b'],
  ]) {
    const s = parseFile(`${src}\n`).stmts[0];
    assert.ok(s.t === 'import', src);
    assert.equal(s.names[0].path, want, src);
  }
});
