// Compares the shape engine with what PyTorch recorded for one real-world model (models.json, written
// by scripts/record-realworld.py). The rules, also in README.md here:
// - The engine is run on the model's file with two lines appended (the "driver"): the recorded
//   `construct` expression and a call on the recorded arguments. So the factory question
//   (`resnet18()` → `_resnet(BasicBlock, [2, 2, 2, 2], …)` → `ResNet(…)`) is settled by the file's own
//   code: the engine reports classes, and its model named like `type(model).__name__` must be the one
//   the driver built and called (input from the call, equal to the recorded input); anything else is
//   unknown, never compared.
// - Entries are matched by position: the engine's leaf-module entries (`shapes --json` layers, in
//   execution order) against PyTorch's forward-hook entries. A pair matches only if name and type are
//   equal; from the first pair that does not (or where one list ends), nothing more is compared, and
//   the difference is WRONG if the engine had stated every entry before it and the model's output,
//   else unknown (the engine said it lost track before).
// - WRONG: any number the engine states that differs (an entry's output or params, the model's output
//   or parameter total), or an error diagnostic on a file PyTorch runs. Unknown: an unknown or
//   symbolic dimension where PyTorch has a number. Exact: everything equal and nothing unknown.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AnalysisResult, analyze } from '../../src/shapes';
import type { ModuleNode } from '../../src/shapes/types';
import { toJson } from '../../src/cli/shapes';
import { fsModuleHost } from '../../src/pyenv/moduleHost';

type Dims = (number | string)[] | null;
/** [name, type, output, params], as recorded. */
export type FactLayer = [string, string, number[] | null, number];

export interface Fact {
  id: string;
  file: string;
  construct: string;
  call: string;
  mode: 'train' | 'eval';
  note?: string;
  class: string;
  inputs: (number[] | null)[];
  output: number[] | null;
  params: number;
  layers: FactLayer[];
}

export interface Corpus {
  site: string;
  packages: Record<string, string>;
  files: Record<string, string>;
  models: Fact[];
}

interface JsonLayer {
  name: string;
  type: string;
  output: Dims;
  /** null: the engine does not know it (never a number it states). */
  params: number | null;
  unknownReason?: string;
  /** Traced under a condition known only at run time: not a claim that PyTorch makes this call. */
  conditional?: boolean;
}
interface JsonModel {
  name: string;
  input: Dims[];
  output: Dims;
  /** null: some part is unknown; paramsKnown then holds the known part, which is not compared. */
  params: number | null;
  inputSource: string;
  layers: JsonLayer[];
  /** The engine's module tree (not in `--json`): a module's own calls, for entries PyTorch takes whole. */
  modules?: ModuleNode[];
}
interface JsonDiag {
  line: number;
  severity: string;
  code: string;
  message: string;
}
export interface JsonResult {
  models: JsonModel[];
  diagnostics: JsonDiag[];
}

export type Verdict = 'exact' | 'partly' | 'unknown' | 'wrong';

export interface Outcome {
  verdict: Verdict;
  /** Entries compared equal, of the recorded total. */
  matched: number;
  entries: number;
  /** Every number that differs, and every false error; empty unless WRONG. */
  wrong: string[];
  /** Why it is not exact, when it is not (the engine's own reason where it gives one). */
  unknown: string[];
}

export const DRIVER_MARK = '# tensor-lens real-world corpus: the model and the call under test';

export function driver(f: Pick<Fact, 'construct' | 'call'> & { mode?: Fact['mode'] }): string {
  // The recorder calls model.train(mode == 'train'); the engine follows .eval() the same way.
  const mode = f.mode === 'eval' ? '_tl_model.eval()\n' : '';
  return `\n\n${DRIVER_MARK}\nimport torch\n_tl_model = ${f.construct}\n${mode}_tl_model(${f.call})\n`;
}

/**
 * The engine on a file where its package lays it out: `file` under `site`, its imports (relative and
 * of other installed packages) read from `site` as the Python that installed them would.
 */
export function runEngine(source: string, file: string, site?: string): JsonResult {
  // torch's own files too: their relative imports (`from .module import Module`) then name torch.nn
  // itself, which the engine knows and never reads, while the classes the file defines are its own.
  if (site === undefined) return withModules(analyze(source, { file }));
  const modules = fsModuleHost({ roots: [], library: { roots: [site] } });
  return withModules(analyze(source, { file: join(site, file), modules }));
}

export function withModules(r: AnalysisResult): JsonResult {
  const j = toJson(r) as JsonResult;
  j.models.forEach((m, k) => (m.modules = r.models[k].modules));
  return j;
}

/**
 * The engine's entries with those inside a module PyTorch records as one entry (torch's own file
 * read as written defines TransformerEncoderLayer, a torch.nn class to the recorder) folded into one:
 * that module's call from the module tree, its output, and its subtree's parameters. Entries are
 * folded only where PyTorch's entry at the same position names the module they are inside.
 */
function foldInside(m: JsonModel, f: Fact): JsonLayer[] {
  const out: JsonLayer[] = [];
  const calls = new Map<string, number>();
  let j = 0;
  for (let i = 0; j < m.layers.length; i++) {
    const e = m.layers[j];
    const p = f.layers[i];
    const prefix = p ? `${p[0]}.` : '';
    const node = p && e.name.startsWith(prefix) && m.modules?.find((x) => x.path === p[0]);
    if (!p || !node) {
      out.push(e);
      j++;
      continue;
    }
    const k = calls.get(p[0]) ?? 0;
    calls.set(p[0], k + 1);
    const inside = [];
    while (j < m.layers.length && m.layers[j].name.startsWith(prefix)) inside.push(m.layers[j++]);
    const sub = (m.modules ?? []).filter((x) => x.path === p[0] || x.path.startsWith(prefix));
    const params = sub.some((x) => x.params === null)
      ? null
      : sub.reduce((s, x) => s + (x.params as number), 0);
    const output = node.calls[k]?.outputs[0] ?? null;
    out.push({
      name: p[0],
      type: node.type,
      output,
      params,
      ...(output === null ? { unknownReason: `${p[0]}: call ${k} not in the module tree` } : {}),
      ...(inside.some((l) => l.conditional === true) ? { conditional: true } : {}),
    });
  }
  return out;
}

const shapeText = (s: Dims): string => (s ? `[${s.join(', ')}]` : '?');
const numeric = (s: Dims): s is number[] => s !== null && s.every((d) => typeof d === 'number');
const sameShape = (a: number[], b: number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

function falseErrors(r: JsonResult): string[] {
  return r.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `false error diagnostic on line ${d.line} (${d.code}): ${d.message}`);
}

/** The model run with its input stated: the file plus the driver. */
export function compareStated(f: Fact, r: JsonResult): Outcome {
  const wrong = falseErrors(r);
  const unknown: string[] = [];
  const out = (matched: number): Outcome => {
    const verdict: Verdict = wrong.length
      ? 'wrong'
      : unknown.length === 0
        ? 'exact'
        : matched > 0
          ? 'partly'
          : 'unknown';
    return { verdict, matched, entries: f.layers.length, wrong, unknown };
  };
  const named = r.models.filter((m) => m.name === f.class);
  if (named.length !== 1) {
    unknown.push(
      named.length === 0
        ? `no model named ${f.class} (engine models: ${r.models.map((m) => m.name).join(', ') || 'none'})`
        : `${named.length} models named ${f.class}`,
    );
    return out(0);
  }
  const m0 = named[0];
  const tookInput =
    m0.inputSource === 'call' &&
    m0.input.length === f.inputs.length &&
    m0.input.every(
      (s, i) => f.inputs[i] === null || (numeric(s) && sameShape(s, f.inputs[i] as number[])),
    );
  if (!tookInput) {
    unknown.push(
      `the engine did not take the driver's call as ${f.class}'s input (input ${m0.input.map(shapeText).join(', ')} from ${m0.inputSource})`,
    );
    return out(0);
  }
  if (m0.params === null) unknown.push(`parameter total unknown (PyTorch ${f.params})`);
  else if (m0.params !== f.params)
    wrong.push(`parameter total: engine ${m0.params}, PyTorch ${f.params}`);
  // A module built inside forward (`nn.ReLU(inplace=True)(x)`) is no submodule: PyTorch's hooks,
  // which record only the model's own modules, never see it, so it is not compared.
  const tree = m0.modules && new Set(m0.modules.map((x) => x.path));
  const own = tree ? { ...m0, layers: m0.layers.filter((l) => tree.has(l.name)) } : m0;
  const m = { ...own, layers: foldInside(own, f) };
  let matched = 0;
  let firstUnknown = -1;
  const n = Math.min(m.layers.length, f.layers.length);
  let i = 0;
  for (; i < n; i++) {
    const e = m.layers[i];
    const [name, type, output, params] = f.layers[i];
    if (e.name !== name || e.type !== type) break;
    let ok = true;
    if (e.params === null) {
      ok = false;
      unknown.push(`entry ${i} ${name} (${type}) params unknown (PyTorch ${params})`);
    } else if (params !== e.params) {
      wrong.push(`entry ${i} ${name} (${type}) params: engine ${e.params}, PyTorch ${params}`);
      ok = false;
    }
    if (output === null) {
      // PyTorch's entry returned no tensor: nothing to compare, and nothing the engine can get wrong.
    } else if (!numeric(e.output)) {
      ok = false;
      if (firstUnknown < 0) {
        firstUnknown = i;
        unknown.push(
          `entry ${i} ${name} (${type}) output ${shapeText(e.output)}${e.unknownReason ? `: ${e.unknownReason}` : ''} (PyTorch ${shapeText(output)})`,
        );
      }
    } else if (!sameShape(e.output, output)) {
      wrong.push(
        `entry ${i} ${name} (${type}) output: engine ${shapeText(e.output)}, PyTorch ${shapeText(output)}`,
      );
      ok = false;
    }
    if (ok) matched++;
  }
  const outputKnown = numeric(m.output);
  if (i < m.layers.length || i < f.layers.length) {
    const eng = m.layers[i] ? `${m.layers[i].name} (${m.layers[i].type})` : 'no more entries';
    const tru = f.layers[i] ? `${f.layers[i][0]} (${f.layers[i][1]})` : 'no more entries';
    const what = `entries differ from entry ${i} on: engine ${eng}, PyTorch ${tru} (engine ${m.layers.length} entries, PyTorch ${f.layers.length})`;
    // A sequence the engine fully stated is a claim; one it lost track of before is not, nor one
    // whose calls from here on may not happen (a branch of an `if` decided at run time).
    const undecided = m.layers.slice(0, i + 1).some((l) => l.conditional === true);
    // Nor one that traced into a module PyTorch records as one entry (torch.nn's own
    // TransformerEncoderLayer, read from torch's file as that file's class): a finer claim.
    const inside = f.layers[i] !== undefined && m.layers[i]?.name.startsWith(`${f.layers[i][0]}.`);
    if (inside)
      unknown.push(
        `${what}; the engine traced into ${f.layers[i][0]}, which PyTorch records as one entry`,
      );
    else if (firstUnknown < 0 && outputKnown && !undecided) wrong.push(what);
    else
      unknown.push(
        undecided ? `${what}; the engine's calls from here depend on a run-time condition` : what,
      );
  }
  if (f.output !== null) {
    if (!outputKnown) {
      if (unknown.length === 0)
        unknown.push(`model output ${shapeText(m.output)} (PyTorch ${shapeText(f.output)})`);
    } else if (!sameShape(m.output as number[], f.output))
      wrong.push(`model output: engine ${shapeText(m.output)}, PyTorch ${shapeText(f.output)}`);
  }
  return out(matched);
}

/**
 * The file as it lies, without the driver. Only false errors can be wrong: which factory built the
 * class and what input it got are the engine's own choices, so its numbers are not PyTorch's claims.
 */
export function compareAsIs(f: Fact, r: JsonResult): { wrong: string[]; note: string } {
  const named = r.models.filter((m) => m.name === f.class);
  let note: string;
  if (named.length === 0) note = `no model named ${f.class}`;
  else {
    const m = named[0];
    const known = m.layers.filter((l) => numeric(l.output)).length;
    note = `${f.class}: input ${m.input.map(shapeText).join(', ')} from ${m.inputSource}, ${m.layers.length} entries (${known} with a numeric shape), params ${m.params}${m.params === f.params ? ' (= this factory)' : ''}`;
  }
  return { wrong: falseErrors(r), note };
}

export function readCorpus(dir: string): Corpus {
  return JSON.parse(readFileSync(join(dir, 'models.json'), 'utf8')) as Corpus;
}

export function readKnownWrong(dir: string): Record<string, string> {
  return JSON.parse(readFileSync(join(dir, 'known-wrong.json'), 'utf8')) as Record<string, string>;
}
