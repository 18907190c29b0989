// Imports: how `import` and `from ... import` bind names, to external (torch, builtins, ...) paths or,
// through the module loader, to what another file defines.
import type { ModuleLoader } from '../modules/loader';
import type { Stmt } from '../syntax/ast';
import { type Scope, type Value, unknown } from './values';

/** torch paths normalised: `from torch.nn import Conv2d` and `torch.nn.modules.conv.Conv2d` both reach nn.Conv2d. */
export function canonicalImport(path: string): string {
  if (path === 'collections.OrderedDict' || path === 'typing.OrderedDict')
    return 'builtins.OrderedDict';
  return path;
}

/**
 * `nn.Conv2d`, `torch.flatten`, `F.relu`: the value of an attribute of an external name. Ext values
 * without a receiver are never mutated, so one object per path is shared, which saves building and
 * hashing a fresh path string on every read.
 */
export const extAttrs = new Map<string, Map<string, Value>>();
export function extAttr(path: string, name: string): Value {
  let byName = extAttrs.get(path);
  if (!byName) {
    if (extAttrs.size > 10_000) return { k: 'ext', path: path + '.' + name };
    extAttrs.set(path, (byName = new Map()));
  }
  let v = byName.get(name);
  if (!v) {
    v = { k: 'ext', path: path + '.' + name };
    if (byName.size < 10_000) byName.set(name, v);
  }
  return v;
}

/**
 * `import a.b as c` / `from a import b as c`: each alias names the external path, made absolute when
 * relative (`from .blocks import X` in package `models` is `models.blocks.X`); the loader reads the
 * file when the name is used. The module paths are kept because the input a model gets may depend on
 * them (torchsummary's summary adds the batch). `from m import *` needs the module's names now: without
 * a loader, or when it cannot read `m`, nothing is bound and what the file uses from `m` is unknown.
 */
export function execImport(
  s: Stmt & { t: 'import' },
  scope: Scope,
  imports: Set<string>,
  loader: ModuleLoader | undefined,
): void {
  for (const n of s.names) {
    let path: string = n.path;
    if (loader) {
      const abs = loader.absolute(n.path, s.from);
      if (typeof abs !== 'string') {
        if (n.alias !== '*') scope.vars.set(n.alias, unknown(abs.error));
        continue;
      }
      path = abs;
    }
    if (n.alias === '*') {
      const names = loader?.star(path.slice(0, -2));
      if (names && !('error' in names)) for (const [k, v] of names) scope.vars.set(k, v);
      else loader?.lostStar(scope, path.slice(0, -2));
      continue;
    }
    scope.vars.set(n.alias, { k: 'ext', path: canonicalImport(path) });
    imports.add(path);
  }
}
