// The module tree of a traced model: each module instance with the line that built it and the calls
// that ran it, so the editor can show a layer's output at its definition and the Summary can fold
// repeated blocks. The interpreter notes calls into a CallLog while it traces; moduleTree reads the
// tree after the trace, since forward may add modules.
import type { D } from '../library/dims';
import type {
  ConfigValue,
  LayerConfig,
  ModuleCall,
  ModuleNode,
  Shape,
  SourceRange,
} from '../types';
import { flattenTensors, resultShape } from './semantics';
import type { Span } from '../syntax/ast';
import type { ModuleInst, Value } from './values';

/**
 * Calls kept per module: a loop over a ModuleList calls each entry once, but a module reused in a
 * loop of 1000 iterations would otherwise keep 1000 records nobody reads.
 */
export const MAX_MODULE_CALLS = 16;

/** One call as noted while tracing: shapes are turned into results only for the calls kept. */
interface RawCall {
  at: Span;
  ins: (readonly D[] | null)[];
  outs: (readonly D[] | null)[];
}

/** The calls of each module instance seen during one trace. */
export class CallLog {
  private readonly calls = new Map<ModuleInst, { kept: RawCall[]; count: number }>();

  /**
   * Counts a call, and keeps its shapes while fewer than MAX_MODULE_CALLS are kept. `inputs` must be
   * read before the call (a Sequential refills one argument list for each child); the output is
   * flattened now, since forward may append to a list a module returned.
   */
  note(m: ModuleInst, at: Span, inputs: (readonly D[] | null)[] | null, output: Value): void {
    let rec = this.calls.get(m);
    if (!rec) this.calls.set(m, (rec = { kept: [], count: 0 }));
    rec.count++;
    if (!inputs || rec.kept.length >= MAX_MODULE_CALLS) return;
    const outs =
      output.k === 'tensor' ? [output.shape] : flattenTensors(output).map((t) => t.shape);
    rec.kept.push({ at, ins: inputs, outs });
  }

  /** Whether a call of `m` would be kept: if not, its inputs need not be read. */
  keeps(m: ModuleInst): boolean {
    const rec = this.calls.get(m);
    return !rec || rec.kept.length < MAX_MODULE_CALLS;
  }

  /** The tensor inputs' shapes (null for an unknown one); a tensor's shape list is never mutated. */
  static inputs(args: readonly Value[]): (readonly D[] | null)[] {
    const ins: (readonly D[] | null)[] = [];
    for (let i = 0; i < args.length; i++) {
      const v = args[i];
      if (v.k === 'tensor') ins.push(v.shape);
    }
    return ins;
  }

  of(
    m: ModuleInst,
    range: (sp: Span) => SourceRange,
  ): { kept: ModuleCall[]; count: number } | undefined {
    const rec = this.calls.get(m);
    if (!rec) return undefined;
    return {
      count: rec.count,
      kept: rec.kept.map((c) => ({
        range: range(c.at),
        inputs: c.ins.map(shapeOf),
        outputs: c.outs.map(shapeOf),
      })),
    };
  }
}

function shapeOf(s: readonly D[] | null): Shape {
  if (!s) return null;
  const r = resultShape(s);
  // A size PyTorch could never have is no shape to show.
  return r.some((d) => typeof d === 'number' && (d < 0 || !Number.isInteger(d))) ? null : r;
}

/**
 * The tree under `root` in named_modules() order (depth first, children in insertion order, a module
 * reached twice listed once). `range` turns a span of the file into a source range; modules built by
 * torch's own code (`builtByTorch`) have no definition in the file.
 */
export function moduleTree(
  root: ModuleInst,
  log: CallLog,
  range: (sp: Span) => SourceRange,
  builtByTorch: (m: ModuleInst) => boolean,
): ModuleNode[] {
  const out: ModuleNode[] = [];
  const seen = new Set<ModuleInst>();
  const signatures = new Signatures();
  const visit = (m: ModuleInst, path: string, parent: number, twins: boolean): void => {
    if (seen.has(m)) return;
    seen.add(m);
    const rec = log.of(m, range);
    const node: ModuleNode = {
      path,
      type: m.type,
      kind: m.kind,
      parent,
      calls: rec ? rec.kept : [],
      callCount: rec ? rec.count : 0,
      params: ownParams(m),
    };
    if (m.defSpan && !builtByTorch(m)) node.definition = range(m.defSpan);
    // Only numbered siblings are ever compared (a Sequential's or ModuleList's entries), and the
    // signature walks the whole subtree: computed for those alone.
    if (twins) node.signature = signatures.of(m);
    const index = out.length;
    out.push(node);
    const kids = m.children;
    let numbered = 0;
    for (const k of kids.keys()) if (isIndex(k)) numbered++;
    // Keys then get: an entries loop would build a [key, value] pair per child.
    for (const k of kids.keys())
      visit(
        kids.get(k) as ModuleInst,
        path ? `${path}.${k}` : k,
        index,
        numbered > 1 && isIndex(k),
      );
  };
  visit(root, '', -1, false);
  return out;
}

/** Whether a child's name is an index (`/^\d+$/`), without a regex per child of every module. */
function isIndex(k: string): boolean {
  if (k.length === 0) return false;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** As totalParams in index.ts counts it: tied tensors once, a count PyTorch could not have unknown. */
function ownParams(m: ModuleInst): number | null {
  const own = m.ownParams === null ? null : m.ownParams - (m.sharedParams ?? 0);
  return own === null || own < 0 || !Number.isInteger(own) ? null : own;
}

/**
 * Class, configuration, plain attributes (`self.stride = 2`) and the children's signatures, interned
 * as short ids so a deep tree's signatures do not nest each other's text. An opaque or invalid
 * module is alike only to itself.
 */
class Signatures {
  private readonly memo = new Map<ModuleInst, string>();
  private readonly ids = new Map<string, string>();

  of(m: ModuleInst): string {
    const known = this.memo.get(m);
    if (known !== undefined) return known;
    // Set before the children so a module holding itself (a cycle) ends the recursion.
    this.memo.set(m, `#${m.id}`);
    if (m.opaque || m.invalid) return `#${m.id}`;
    const parts: string[] = [m.kind, m.type, configJson(m.config), String(m.ownParams)];
    for (const [k, v] of m.attrs)
      if (v.k === 'num' || v.k === 'str' || v.k === 'bool')
        parts.push(`${k}:${v.k}:${String(v.v)}`);
      else if (v.k === 'none') parts.push(`${k}:none`);
    for (const [k, ch] of m.children) parts.push(`${k}=${this.of(ch)}`);
    const full = parts.join('|');
    let id = this.ids.get(full);
    if (id === undefined) this.ids.set(full, (id = `s${this.ids.size}`));
    this.memo.set(m, id);
    return id;
  }
}

/**
 * `JSON.stringify(config)`, written out for a config's value types (numbers, strings, booleans, null,
 * arrays of them): the generic serializer was half of the signatures' time on a 5,000-line file.
 * Anything else (a value outside ConfigValue) goes to JSON.stringify whole, so the text is the same.
 */
export function configJson(config: LayerConfig): string {
  let out = '{';
  for (const k of Object.keys(config)) {
    const v = valueJson(config[k]);
    if (v === null) return JSON.stringify(config);
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${stringJson(k)}:${v}`;
  }
  return out + '}';
}

/** A value's JSON; undefined where JSON.stringify leaves an object's key out; null: not handled here. */
function valueJson(v: ConfigValue | undefined): string | undefined | null {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'string':
      return stringJson(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return undefined;
    case 'object': {
      if (v === null) return 'null';
      if (!Array.isArray(v)) return null;
      let out = '[';
      for (let i = 0; i < v.length; i++) {
        const e = valueJson(v[i] as ConfigValue | undefined);
        if (e === null) return null;
        out += `${i > 0 ? ',' : ''}${e ?? 'null'}`;
      }
      return out + ']';
    }
    default:
      return null;
  }
}

/** A string as JSON: quoted as is when it holds only printable ASCII other than `"` and `\`. */
function stringJson(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126 || c === 34 || c === 92) return JSON.stringify(s);
  }
  return `"${s}"`;
}
