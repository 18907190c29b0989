// The Summary as a module tree, readable for big models: runs of identical sibling blocks fold into
// one row (`layer1: BasicBlock ×2`, `blocks: Block ×12`) whose inside is shown once, and rows deeper
// than a chosen depth are left out (their parents keep the totals). Shared by the CLI's table and
// the panel's Summary tab; pure data, no DOM, no Node.
import type { ModelResult, ModuleNode, Shape } from '../shapes/types';

export interface ModuleRow {
  /** 1 for the model's direct children, 2 for theirs, … */
  depth: number;
  /** Dotted path; `layer2.1–3` for a run of blocks, `layer2.1–3.conv1` inside it. */
  name: string;
  type: string;
  /** The path of the (first) module the row shows, as the engine's layers name it. */
  path: string;
  /** The paths of every module the row stands for (the blocks of a folded run). */
  paths: string[];
  /** How many identical modules the row stands for (1 unless folded). */
  repeat: number;
  /** First call's first input of the first module, first output of the last one. */
  input: Shape;
  output: Shape;
  /** No module of the row was called: 'never' when the trace is complete, else 'unknown'. */
  uncalled?: 'never' | 'unknown';
  /** Parameters of every module the row stands for (its subtree, all repeats); null when unknown. */
  params: number | null;
  /** Line of the definition in the model's file, when it is there. */
  line?: number;
  /**
   * Rows below this one were left out by the depth limit. A folded run's shapes are the first
   * module's input and the last one's output, which is the run's when its modules are chained.
   */
  folded: boolean;
  /** The row was opened below the depth limit (its path was in `open`); never set without `open`. */
  opened?: boolean;
}

/** The depth the Summary starts at, as torchinfo's default. */
export const DEFAULT_SUMMARY_DEPTH = 3;

interface Tree {
  node: ModuleNode;
  kids: Tree[];
}

function buildTree(modules: readonly ModuleNode[]): Tree | null {
  if (modules.length === 0) return null;
  const trees = modules.map((node) => ({ node, kids: [] as Tree[] }));
  for (let i = 0; i < modules.length; i++) {
    const p = modules[i].parent;
    if (p >= 0 && p < i) trees[p].kids.push(trees[i]);
  }
  return trees[0];
}

/** Own parameters of every module under `t` (itself included); null when any is unknown. */
function subtreeParams(t: Tree): number | null {
  const own = t.node.params;
  if (own === undefined || own === null) return null;
  let sum = own;
  for (const k of t.kids) {
    const p = subtreeParams(k);
    if (p === null) return null;
    sum += p;
  }
  return sum;
}

function lastKey(path: string): string {
  const i = path.lastIndexOf('.');
  return i < 0 ? path : path.slice(i + 1);
}

/**
 * The rows of `model`'s module tree down to `maxDepth` (1 = the model's children only), with runs
 * of identical siblings folded. Rows whose name is in `open` show their inside past `maxDepth` (the
 * panel opens a folded row on demand). Empty when the engine gave no module tree.
 */
export function moduleRows(
  model: ModelResult,
  maxDepth = DEFAULT_SUMMARY_DEPTH,
  open?: ReadonlySet<string>,
): ModuleRow[] {
  const root = buildTree(model.modules ?? []);
  if (!root) return [];
  const rows: ModuleRow[] = [];
  const complete = model.traceComplete === true;
  const emit = (group: Tree[], depth: number, label: string, rename: Rename): void => {
    const first = group[0];
    const last = group[group.length - 1];
    let params: number | null = 0;
    for (const t of group) {
      const p = subtreeParams(t);
      params = params === null || p === null ? null : params + p;
    }
    // A container holding only a run of identical blocks reads as the run: `layer1: BasicBlock ×2`.
    const run = group.length === 1 ? wholeRun(first) : null;
    const shown = run ?? group;
    const called = shown.some(anyCalled);
    const row: ModuleRow = {
      depth,
      name: label,
      type: shown[0].node.type,
      path: first.node.path,
      paths: (run ?? group).map((t) => t.node.path),
      repeat: shown.length,
      input: shapeIn(first, shown[0]),
      output: shapeOut(last, shown[shown.length - 1]),
      params,
      folded: false,
    };
    if (!called) row.uncalled = complete ? 'never' : 'unknown';
    const def = first.node.definition ?? shown[0].node.definition;
    if (def) row.line = def.line;
    rows.push(row);
    // One representative's inside, named after the run.
    const inside = shown[0];
    const insideName = run ? runLabel(label, run) : rename;
    const past = inside.kids.length > 0 && depth >= maxDepth;
    if (past && open?.has(label)) row.opened = true;
    else row.folded = past;
    if (!row.folded) children(inside, depth + 1, insideName);
  };
  /** Inside a run, the first module's paths renamed: `layer1.0.conv1` → `layer1.0–1.conv1`. */
  const runLabel = (label: string, run: Tree[]): Rename => {
    const path = run[0].node.path;
    const name = `${label}.${lastKey(path)}–${lastKey(run[run.length - 1].node.path)}`;
    return (p) => (p === path ? name : p.startsWith(path + '.') ? name + p.slice(path.length) : p);
  };
  const children = (t: Tree, depth: number, rename: Rename): void => {
    const kids = t.kids;
    for (let i = 0; i < kids.length;) {
      let j = i + 1;
      // Only numbered entries (a Sequential's, a ModuleList's) fold: named attributes that happen to
      // be alike (attn_dropout, resid_dropout) are different roles, not a repeated block.
      if (isIndex(kids[i].node.path))
        while (j < kids.length && isIndex(kids[j].node.path) && alike(kids[j].node, kids[i].node))
          j++;
      const group = kids.slice(i, j);
      const path = kids[i].node.path;
      if (group.length === 1) emit(group, depth, rename(path), rename);
      else {
        const name = `${rename(path)}–${lastKey(kids[j - 1].node.path)}`;
        const inner: Rename = (p) =>
          p === path ? name : p.startsWith(path + '.') ? name + p.slice(path.length) : rename(p);
        emit(group, depth, name, inner);
      }
      i = j;
    }
  };
  children(root, 1, (p) => p);
  return rows;
}

type Rename = (path: string) => string;

function alike(a: ModuleNode, b: ModuleNode): boolean {
  return a.signature !== undefined && a.signature === b.signature;
}

function isIndex(path: string): boolean {
  return /^\d+$/.test(lastKey(path));
}

/** A container forward iterates (ModuleList, ModuleDict) counts as called when what it holds is. */
function anyCalled(t: Tree): boolean {
  return t.node.callCount > 0 || t.kids.some(anyCalled);
}

/** A container that is iterated, never called, takes its shapes from the run it holds. */
function shapeIn(t: Tree, inRun: Tree): Shape {
  return (t.node.calls[0] ?? inRun.node.calls[0])?.inputs[0] ?? null;
}
function shapeOut(t: Tree, inRun: Tree): Shape {
  return (t.node.calls[0] ?? inRun.node.calls[0])?.outputs[0] ?? null;
}

/** The children of a Sequential or ModuleList when they are two or more identical blocks. */
function wholeRun(t: Tree): Tree[] | null {
  const kind = t.node.kind;
  if (kind !== 'Sequential' && kind !== 'ModuleList') return null;
  const kids = t.kids;
  if (kids.length < 2) return null;
  return kids.every((k) => alike(k.node, kids[0].node)) ? kids : null;
}

/** The deepest row depth the tree has, for the depth control's choices. */
export function treeDepth(model: ModelResult): number {
  const modules = model.modules ?? [];
  const depth: number[] = [];
  let max = 0;
  modules.forEach((n, i) => {
    depth[i] = n.parent < 0 ? 0 : depth[n.parent] + 1;
    if (depth[i] > max) max = depth[i];
  });
  return max;
}
