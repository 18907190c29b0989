// Imported modules' evaluated top levels, kept for the life of the process: a module's namespace (its
// classes, functions and constants) is computed once and reused by every later analysis while it
// still holds. It holds while the file's text is the same, every import name its top level looked
// up still finds the same file (or the same error), and every module it took values from is still
// the kept one; so editing a file, or a file it imports, or installing a package makes it run again.
// Installed libraries' texts come from the host's per-version copies (src/pyenv/moduleHost.ts), so
// for them this is a cache per package version.
import type { Scope } from '../eval/values';
import type { ModuleSpec } from './resolver';

export interface Kept {
  key: string;
  name: string;
  file: string;
  text: string;
  spec: ModuleSpec;
  /** The namespace as the top level left it; analyses use copies (copy.ts), never this. */
  scope: Scope;
  window: number;
  /** The package its relative imports start from. */
  pkg: string;
  starLost?: string;
  /** What each module name its top level looked up resolved to (see answer in loader.ts). */
  finds: Map<string, string>;
  /** Modules it took values from. */
  deps: Kept[];
  /** Files its top level read, its own first (the editor refreshes importers when one changes). */
  reads: string[];
}

const kept = new Map<string, Kept>();
/** Modules kept at most; the least recently stored goes first (its importers then run again). */
const MAX_KEPT = 3000;

export function keyOf(name: string, file: string): string {
  return `${name}\0${file}`;
}

export function keptModule(key: string): Kept | undefined {
  return kept.get(key);
}

export function keepModule(k: Kept): void {
  kept.delete(k.key);
  if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value as string);
  kept.set(k.key, k);
}

export function dropModule(key: string): void {
  kept.delete(key);
}

/** The bench: forget every kept module, to time analyses that run their imports' top levels again. */
export function clearKeptModules(): void {
  kept.clear();
}
