// `tensor-lens shapes FILE.py [--input 1,1,28,28] [--json] [--root DIR] [--python PATH]`: the shape
// engine from the command line.
import { readFileSync, statSync } from 'node:fs';
import { fsModuleHost } from '../pyenv/moduleHost';
import { sitePathsSync } from '../pyenv/sysPath';
import { analyze } from '../shapes';
import type { AnalysisResult, LayerResult, ModelMemory, ModelResult, Shape } from '../shapes/types';
import { DEFAULT_SUMMARY_DEPTH, type ModuleRow, moduleRows } from '../common/moduleSummary';
import { fmtBytes } from '../common/numberText';
import { CliError, parseArgs, parseShapeList } from './args';
import type { CliIO } from './output';

const HELP = `Usage: tensor-lens shapes FILE.py [--input 1,1,28,28] [--depth N] [--json] [--root DIR]... [--python PATH]

Prints every layer's output shape and parameter count for each PyTorch model in FILE.py, and the
places where the code would fail at run time, without running Python.

A model's input comes from, in order: a '# input: (1, 1, 28, 28)' comment above it, a call in the
file (model(torch.randn(...)), summary(model, ...)), for a class built inside another model the
input that model gives it, a torchvision dataset used in the file, --input (top-level models
only), else symbols (B, H, W). A parameter total with an unknown part prints as '? (N known)'
("params": null and "paramsKnown": N in --json).

Options:
  --input SHAPE   input used when the file gives none: 1,1,28,28 or B,3,H,W; several inputs
                  separated by ';' (1,300;1,300)
  --depth N       the table's depth in the module tree (default ${DEFAULT_SUMMARY_DEPTH}; 1: the model's own
                  submodules only); repeated identical blocks print once, as 'layer1 (BasicBlock ×2)'
  --json          one JSON object (file, models, diagnostics) instead of the table; a model's
                  "input" is a list with one shape per forward argument, its "layers" one entry
                  per call of a torch.nn leaf module (functional ops are left out), each with
                  "from": the entries whose outputs reach its inputs (-1 is the model's input)
  --root DIR      a folder imports are found in (repeatable), as a workspace folder in the editor;
                  its src/ is searched too. The folder above FILE's package and FILE's own folder
                  always are. Imported files are read, never run.
  --python PATH   the Python whose installed libraries (torchvision, timm, ...) imports are read
                  from, in place (default python3; it is asked only for its sys.path, and only when
                  an import is not found under the roots)
  --help          this text

Exit codes: 0 analysed, no errors found; 1 analysed, and at least one error-severity diagnostic
(something PyTorch would raise); 2 bad input (unreadable file, bad --input).`;

const SPEC = {
  input: { kind: 'string', hint: '1,1,28,28' },
  depth: { kind: 'int', hint: 'N ≥ 1', min: 1 },
  json: { kind: 'boolean' },
  root: { kind: 'string', hint: 'DIR', repeat: true },
  python: { kind: 'string', hint: 'PATH' },
  help: { kind: 'boolean' },
} as const;

export async function shapesCommand(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(HELP);
    return 0;
  }
  const { flags, positionals, lists } = parseArgs(argv, { ...SPEC }, 'shapes');
  if (positionals.length !== 1)
    throw new CliError(
      'tensor-lens shapes: give exactly one Python file, e.g. tensor-lens shapes model.py (see --help)',
    );
  const path = positionals[0];
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (e as Error).message;
    throw new CliError(
      `tensor-lens shapes: cannot read ${path}: ${why}; pass the path of a .py file`,
    );
  }
  const defaultInput = typeof flags.input === 'string' ? parseShapeList(flags.input) : undefined;
  const roots = lists.root ?? [];
  for (const r of roots) {
    let dir = false;
    try {
      dir = statSync(r).isDirectory();
    } catch {
      dir = false;
    }
    if (!dir)
      throw new CliError(
        `tensor-lens shapes: --root ${r} is not a folder; give the folder your imports start from`,
      );
  }
  const python = typeof flags.python === 'string' ? flags.python : 'python3';
  const modules = fsModuleHost({ roots, library: () => sitePathsSync(python) });
  const result = analyze(source, { file: path, defaultInput, modules });
  const depth = typeof flags.depth === 'number' ? flags.depth : DEFAULT_SUMMARY_DEPTH;
  io.out(flags.json ? compactJson(toJson(result)) : table(result, depth));
  return result.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

/** The docs/cli-contract.md contract: leaf-module calls only (functional ops are editor-only), 1-based positions. */
export function toJson(r: AnalysisResult): object {
  return {
    file: r.file,
    models: r.models.map((m) => ({
      name: m.name,
      line: m.line,
      input: m.input,
      output: m.output,
      ...(m.outputs ? { outputs: m.outputs } : {}),
      params: m.params,
      ...(m.paramsKnown !== undefined ? { paramsKnown: m.paramsKnown } : {}),
      ...(m.macs !== undefined ? { macs: m.macs } : {}),
      ...(m.macsUncounted ? { macsKnown: m.macsKnown, macsUncounted: m.macsUncounted } : {}),
      ...(m.memory ? { memory: m.memory } : {}),
      inputSource: m.inputSource,
      layers: moduleLayers(m.layers),
    })),
    diagnostics: r.diagnostics.map((d) => ({
      line: d.line,
      column: d.column,
      severity: d.severity,
      code: d.code,
      message: d.message,
      ...(d.fix ? { fix: d.fix.newText } : {}),
    })),
  };
}

/**
 * The leaf-module calls of a trace, each with `from`: the entries of this same list whose outputs reach
 * its inputs (−1 − k for the model's k-th input). The engine's `producers` index the full trace, which
 * also holds functional calls (F.relu, max_pool2d); those are left out here, so a producer that is one
 * stands for the module calls that feed it, transitively.
 */
function moduleLayers(layers: LayerResult[]): object[] {
  const index = new Map<number, number>();
  layers.forEach((l, i) => {
    if (!l.functional) index.set(i, index.size);
  });
  const through = new Map<number, number[]>();
  const feeds = (i: number): number[] => {
    if (i < 0) return [i];
    const own = index.get(i);
    if (own !== undefined) return [own];
    let r = through.get(i);
    if (!r) {
      // Producers are earlier entries, so this recursion ends.
      r = [...new Set((layers[i].producers ?? []).flatMap(feeds))];
      through.set(i, r);
    }
    return r;
  };
  return layers
    .filter((l) => !l.functional)
    .map((l) => ({
      line: l.line,
      name: l.name,
      type: l.type,
      input: l.input,
      output: l.output,
      params: l.params,
      from: [...new Set((l.producers ?? []).flatMap(feeds))].sort((a, b) => a - b),
      ...(l.unknownReason ? { unknownReason: l.unknownReason } : {}),
      ...(l.conditional ? { conditional: true } : {}),
    }));
}

/** Indented JSON with each shape on one line: `[1, 32, 26, 26]`, not four lines. */
function compactJson(v: object): string {
  return JSON.stringify(v, null, 2).replace(
    /\[\s+([^[\]{}]*?)\s+\]/g,
    (_m, inner: string) => `[${inner.replace(/,\s*\n\s*/g, ', ')}]`,
  );
}

const shapeText = (s: Shape): string => (s ? `[${s.join(', ')}]` : '?');
// Not toLocaleString: its first call loads ICU's locale data, a tenth of `shapes`' whole run.
const thousands = (n: number): string =>
  Number.isSafeInteger(n)
    ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
    : n.toLocaleString('en-US');

type Row = [string, string, string, string];

/** One row per module down to `depth`, repeated blocks folded (src/common/moduleSummary.ts). */
function treeRows(m: ModelResult, depth: number): Row[] {
  const reason = (r: ModuleRow): string =>
    m.layers.find((l) => l.name === r.path && l.unknownReason)?.unknownReason ?? '';
  return moduleRows(m, depth).map((r) => [
    `${'  '.repeat(r.depth - 1)}${r.name} (${r.type}${r.repeat > 1 ? ` ×${r.repeat}` : ''})${r.folded ? ' …' : ''}`,
    r.uncalled === 'never'
      ? 'not called'
      : r.output
        ? shapeText(r.output)
        : `? ${reason(r)}`.trim(),
    r.params === null ? '?' : thousands(r.params),
    r.line === undefined ? '' : String(r.line),
  ]);
}

function modelTable(m: ModelResult, depth: number): string[] {
  const rows: Row[] = m.modules
    ? treeRows(m, depth)
    : m.layers
        .filter((l: LayerResult) => !l.functional)
        .map((l) => [
          `${l.name} (${l.type})`,
          l.output ? shapeText(l.output) : `? ${l.unknownReason ?? ''}`.trim(),
          l.params === null ? '?' : thousands(l.params),
          String(l.line),
        ]);
  const head: Row = ['Layer (type)', 'Output Shape', 'Param #', 'Line'];
  const w0 = Math.max(head[0].length, ...rows.map((r) => r[0].length));
  const w1 = Math.max(head[1].length, ...rows.map((r) => r[1].length));
  const w2 = Math.max(head[2].length, ...rows.map((r) => r[2].length));
  const w3 = Math.max(head[3].length, ...rows.map((r) => r[3].length));
  const line = (r: Row): string =>
    `${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2].padStart(w2)}  ${r[3].padStart(w3)}`.trimEnd();
  const rule = '─'.repeat(w0 + w1 + w2 + w3 + 6);
  const input = m.input.map(shapeText).join(', ');
  const out = [
    `${m.name} (line ${m.line}): input ${input} (from ${m.inputSource})`,
    rule,
    line(head),
    rule,
    ...rows.map(line),
    rule,
    `Total params: ${m.params === null ? `? (${thousands(m.paramsKnown ?? 0)} known)` : thousands(m.params)}`,
  ];
  if (m.macs !== undefined) out.push(`Mult-adds: ${thousands(m.macs)}`);
  else if (m.macsUncounted)
    out.push(
      `Mult-adds: ? (${thousands(m.macsKnown ?? 0)} counted; not counted: ${m.macsUncounted.join(', ')})`,
    );
  if (m.memory) out.push(memoryLine(m.memory));
  out.push(`Output: ${m.outputs ? m.outputs.map(shapeText).join(', ') : shapeText(m.output)}`, '');
  return out;
}

/** One training step at this input, float32 (the estimate is described in ModelMemory). */
function memoryLine(mem: ModelMemory): string {
  return `Memory (float32): activations fwd+bwd ${fmtBytes(mem.activationBytes)}, params ${fmtBytes(mem.paramBytes)}, Adam state ${fmtBytes(mem.adamBytes)}`;
}

function table(r: AnalysisResult, depth: number): string {
  const out: string[] = [];
  if (r.models.length === 0)
    out.push(
      `${r.file}: no PyTorch models found (an nn.Module subclass or an nn.Sequential assignment)`,
      '',
    );
  for (const m of r.models) out.push(...modelTable(m, depth));
  for (const d of r.diagnostics)
    out.push(
      `${r.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${d.fix ? ` (fix: ${d.fix.newText})` : ''}`,
    );
  return out.join('\n').replace(/\n+$/, '');
}
