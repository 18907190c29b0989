// Turns the shape engine's view of a user's model (src/shapes: layers in execution order, with their
// evaluated constructor arguments) into a NetSpec that tfjs can train. Only what we can reproduce
// faithfully is accepted: a single chain of layers tfjs has. Anything else is refused with the
// construct and its line — a model silently trained differently from the user's code would be worse
// than none.
import type { ConfigValue, Dim, LayerConfig, LayerResult, ModelResult, Shape } from '../shapes/types';
import type { Activation, LayerSpec, NetSpec, Pair } from './spec';

export class TranslateError extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
  }
}

/** "F.max_pool2d" → "maxpool2d", "nn.Conv2d" → "conv2d", "x.view" → "view". */
export function typeKey(type: string): string {
  const last = type.split('.').pop() ?? type;
  return last.toLowerCase().replace(/_/g, '');
}

const ACTIVATIONS: Record<string, Activation> = {
  relu: 'relu', relu6: 'relu6', sigmoid: 'sigmoid', tanh: 'tanh', elu: 'elu', gelu: 'gelu', selu: 'selu',
  silu: 'silu', softplus: 'softplus', leakyrelu: 'leaky_relu', hardtanh: 'hardtanh',
};
const RESHAPES = new Set(['flatten', 'view', 'reshape', 'squeeze', 'unsqueeze', 'contiguous']);

function where(l: LayerResult): string {
  return `${l.type} at line ${l.line}`;
}

function known(shape: Shape): shape is Dim[] {
  return shape !== null;
}

function numeric(dims: Dim[]): number[] | null {
  return dims.every((d) => typeof d === 'number') ? (dims as number[]) : null;
}

class Args {
  constructor(private readonly l: LayerResult, private readonly c: LayerConfig) {}

  private fail(name: string, what: string): never {
    throw new TranslateError(`${where(this.l)}: argument ${name} ${what}; cannot train this model`, this.l.line);
  }
  raw(name: string): ConfigValue | undefined {
    return this.c[name];
  }
  int(name: string, dflt?: number): number {
    const v = this.c[name];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    return this.fail(name, `is not a known integer (${JSON.stringify(v)})`);
  }
  num(name: string, dflt?: number): number {
    const v = this.c[name];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v === 'number') return v;
    return this.fail(name, `is not a known number (${JSON.stringify(v)})`);
  }
  bool(name: string, dflt: boolean): boolean {
    const v = this.c[name];
    if (v === undefined) return dflt;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    return this.fail(name, `is not a known boolean (${JSON.stringify(v)})`);
  }
  pair(name: string, dflt?: Pair): Pair {
    const v = this.c[name];
    if ((v === undefined || v === null) && dflt) return dflt;
    if (typeof v === 'number' && Number.isInteger(v)) return [v, v];
    if (Array.isArray(v) && v.every((e) => typeof e === 'number' && Number.isInteger(e))) {
      const a = v as number[];
      if (a.length === 2) return [a[0], a[1]];
      if (a.length === 1) return [a[0], a[0]];
    }
    return this.fail(name, `is not a known int or pair (${JSON.stringify(v)})`);
  }
}

function refuse(l: LayerResult, why: string): never {
  throw new TranslateError(`${where(l)}: ${why}`, l.line);
}

function layerSpec(l: LayerResult, input: Dim[], output: Dim[]): LayerSpec | null {
  const key = typeKey(l.type);
  const a = new Args(l, l.config ?? {});
  const base = { name: l.name, type: l.type, line: l.line };
  if ((key === 'linear' || key.startsWith('conv')) && l.functional) {
    refuse(l, 'a functional layer with explicit weight tensors cannot be trained here; use the nn module');
  }
  if (ACTIVATIONS[key]) {
    const fn = ACTIVATIONS[key];
    if (fn === 'hardtanh' && (a.num('min_val', -1) !== -1 || a.num('max_val', 1) !== 1)) refuse(l, 'Hardtanh with other bounds than ±1 is not supported');
    if (fn === 'softplus' && a.num('beta', 1) !== 1) refuse(l, 'Softplus with beta ≠ 1 is not supported');
    const alpha = fn === 'leaky_relu' ? a.num('negative_slope', 0.01) : fn === 'elu' ? a.num('alpha', 1) : undefined;
    return { ...base, op: 'activation', fn, alpha };
  }
  switch (key) {
    case 'linear': {
      const inFeatures = a.int('in_features');
      if (input[input.length - 1] !== inFeatures) refuse(l, `it expects ${inFeatures} input features but receives ${String(input[input.length - 1])} (shape ${input.join(', ')}); PyTorch would fail here too — fix the shape error first`);
      return { ...base, op: 'linear', inFeatures, outFeatures: a.int('out_features'), bias: a.bool('bias', true) };
    }
    case 'conv2d': {
      const dil = a.pair('dilation', [1, 1]);
      if (dil[0] !== 1 || dil[1] !== 1) refuse(l, `dilation=${dil.join(',')}: tfjs cannot compute gradients of dilated convolutions`);
      if (a.int('groups', 1) !== 1) refuse(l, 'grouped convolutions (groups > 1) are not supported');
      const mode = a.raw('padding_mode');
      if (mode !== undefined && mode !== 'zeros') refuse(l, `padding_mode='${String(mode)}' is not supported (only 'zeros')`);
      const p = a.raw('padding');
      const padding: Pair | 'same' = p === 'same' ? 'same' : p === 'valid' ? [0, 0] : a.pair('padding', [0, 0]);
      if (input.length !== 4 || input[1] !== a.int('in_channels')) refuse(l, `it expects ${a.int('in_channels')} input channels but receives shape (${input.join(', ')}); PyTorch would fail here too — fix the shape error first`);
      return { ...base, op: 'conv2d', inChannels: a.int('in_channels'), outChannels: a.int('out_channels'), kernel: a.pair('kernel_size'), stride: a.pair('stride', [1, 1]), padding, bias: a.bool('bias', true) };
    }
    case 'maxpool2d': {
      const kernel = a.pair('kernel_size');
      if (a.bool('ceil_mode', false)) refuse(l, 'ceil_mode=True is not supported');
      if (a.bool('return_indices', false)) refuse(l, 'return_indices=True is not supported');
      const dil = a.pair('dilation', [1, 1]);
      if (dil[0] !== 1 || dil[1] !== 1) refuse(l, 'dilated max pooling is not supported');
      const padding = a.pair('padding', [0, 0]);
      if (padding[0] !== padding[1]) refuse(l, 'different paddings per axis are not supported in max pooling');
      return { ...base, op: 'maxpool2d', kernel, stride: a.pair('stride', kernel), padding };
    }
    case 'avgpool2d': {
      const kernel = a.pair('kernel_size');
      const padding = a.pair('padding', [0, 0]);
      if (padding[0] !== 0 || padding[1] !== 0) refuse(l, 'average pooling with padding is not supported (PyTorch counts the padding, tfjs does not)');
      if (a.bool('ceil_mode', false)) refuse(l, 'ceil_mode=True is not supported');
      const div = a.raw('divisor_override');
      if (div !== undefined && div !== null) refuse(l, 'divisor_override is not supported');
      return { ...base, op: 'avgpool2d', kernel, stride: a.pair('stride', kernel) };
    }
    case 'adaptiveavgpool2d': {
      const inHW = numeric(input.slice(-2));
      const outHW = numeric(output.slice(-2));
      if (!inHW || !outHW || input.length !== 4) refuse(l, 'needs a known 4-D input');
      if (inHW[0] % outHW[0] !== 0 || inHW[1] % outHW[1] !== 0) refuse(l, `adaptive pooling from ${inHW.join('×')} to ${outHW.join('×')} is not a plain pooling (sizes do not divide)`);
      const k: Pair = [inHW[0] / outHW[0], inHW[1] / outHW[1]];
      if (k[0] === 1 && k[1] === 1) return { ...base, op: 'identity' };
      return { ...base, op: 'avgpool2d', kernel: k, stride: k };
    }
    case 'softmax':
    case 'logsoftmax': {
      let dim = a.raw('dim');
      // The engine records no arguments for some functional calls. Over a [B, C] input the only
      // dimension that makes sense for class scores is 1 — which is also PyTorch's implicit choice.
      if (dim === undefined && !l.config && input.length === 2) dim = 1;
      if (typeof dim !== 'number') refuse(l, 'softmax without an explicit dim is not supported');
      return { ...base, op: key === 'softmax' ? 'softmax' : 'log_softmax', dim };
    }
    case 'dropout': {
      if (l.functional && a.raw('training') === false) return { ...base, op: 'identity' };
      return { ...base, op: 'dropout', p: a.num('p', 0.5) };
    }
    case 'batchnorm1d':
    case 'batchnorm2d': {
      if (!a.bool('track_running_stats', true)) refuse(l, 'track_running_stats=False is not supported');
      const mom = a.raw('momentum');
      if (mom === null) refuse(l, 'momentum=None (cumulative average) is not supported');
      if (key === 'batchnorm1d' && input.length !== 2) refuse(l, 'BatchNorm1d over a 3-D input is not supported');
      if (input[1] !== a.int('num_features')) refuse(l, `it expects ${a.int('num_features')} features but receives shape (${input.join(', ')})`);
      return { ...base, op: 'batchnorm', features: a.int('num_features'), eps: a.num('eps', 1e-5), momentum: a.num('momentum', 0.1), affine: a.bool('affine', true) };
    }
    case 'identity':
      return { ...base, op: 'identity' };
    default:
      if (RESHAPES.has(key)) {
        const to = numeric(output.slice(1));
        if (!to) refuse(l, `its output shape (${output.join(', ')}) is not fully known`);
        if (output[0] !== input[0]) refuse(l, 'it changes the batch dimension');
        return { ...base, op: 'reshape', to };
      }
      return refuse(l, `${l.type} has no tfjs translation here (supported: Linear, Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, BatchNorm1d/2d, Dropout, Flatten/view/reshape, ReLU and other activations, (Log)Softmax)`);
  }
}

/** Code of a line without its comment and string literals (so '#' and operators inside strings are ignored). */
function codeOf(line: string): string {
  return line.replace(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/g, '""').replace(/#.*$/, '');
}

/** Bodies of every `def forward` in the file, as 1-based [first, last] line ranges. */
function forwardBodies(lines: string[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)def\s+forward\s*\(/.exec(lines[i]);
    if (!m) continue;
    const indent = m[1].length;
    let end = i;
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[j].trim() === '' || /^\s*#/.test(lines[j])) continue;
      if ((/^\s*/.exec(lines[j])?.[0].length ?? 0) <= indent) break;
      end = j;
    }
    out.push([i + 2, end + 1]);
  }
  return out;
}

const NUM = /^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * Tensor arithmetic or indexing in a forward statement — `out += self.shortcut(x)`, `x = x * 2`,
 * `h[:, -1]` — which the shape engine does not list as a layer. Training the layer chain without it
 * would silently be another model, so such a line is refused. Arithmetic between number literals
 * (`16 * 5 * 5`) and indexing a module list (`self.convs[i](x)`) are fine.
 */
export function findUntracedOp(source: string, model: ModelResult): { line: number; text: string } | null {
  if (model.kind !== 'module') return null;
  const lines = source.split(/\r?\n/);
  const used = new Set<number>([...model.layers.map((l) => l.line), ...model.variables.map((v) => v.line)]);
  for (const [first, last] of forwardBodies(lines)) {
    let touched = false;
    for (let n = first; n <= last && !touched; n++) touched = used.has(n);
    if (!touched) continue;
    for (let n = first; n <= last; n++) {
      const code = codeOf(lines[n - 1]);
      if (/^\s*(return\s*$|if\b|elif\b|else\b|for\b|while\b|assert\b|raise\b|print\()/.test(code)) continue;
      const text = lines[n - 1].trim();
      if (/(\+|-|\*|\/|@|%|\*\*|\/\/)=/.test(code.replace(/[=!<>]=/g, ''))) return { line: n, text };
      // Binary operators: look at the operand on each side; skip unary minus and literal-only arithmetic.
      const re = /([\w.)\]]+)\s*(\*\*|\/\/|[-+*/@%])\s*([\w.(]+)/g;
      for (let m = re.exec(code); m; m = re.exec(code)) {
        const [lhs, rhs] = [m[1], m[3]];
        if (NUM.test(lhs) && NUM.test(rhs.replace(/^\(/, ''))) continue;
        // `x.size(0) * 2`-style sizes inside view/reshape arguments are still arithmetic on Python
        // ints; the engine traces the resulting shape, and the reshape takes it from the engine.
        if (/\.(view|reshape|size)\(|\bsize\(|\.shape\b/.test(code) && !/^\s*\w+\s*=\s*\w+\s*[-+*/@]/.test(code)) continue;
        return { line: n, text };
      }
      // Subscripts on something that is not then called: tensor indexing. `x.shape[0]` is a Python int.
      if (/\w\s*\[[^\]]*\](?!\s*\()/.test(code.replace(/\.shape\s*\[[^\]]*\]/g, '.shape')) && !/^\s*\w+\s*=\s*self\.\w+\s*\[/.test(code)) return { line: n, text };
    }
  }
  return null;
}

/** The model's layers as a NetSpec, or a TranslateError naming the first construct we cannot train. */
export function translateModel(model: ModelResult, source?: string): NetSpec {
  if (source !== undefined) {
    const op = findUntracedOp(source, model);
    if (op) throw new TranslateError(`line ${op.line}: \`${op.text}\` is tensor arithmetic or indexing (a skip connection, scaling, slicing) that the translator cannot reproduce; only models whose forward is a plain chain of layers can be trained`, op.line);
  }
  const first = model.input[0];
  if (model.input.length !== 1 || !first || !known(first)) {
    throw new TranslateError(`${model.name} (line ${model.line}): its input shape is not known; add a comment like '# input: (1, 1, 28, 28)' above it`, model.line);
  }
  const inputDims = numeric(first.slice(1));
  if (!inputDims) throw new TranslateError(`${model.name} (line ${model.line}): its input shape (${first.join(', ')}) has symbolic dimensions; give numbers, e.g. '# input: (1, 1, 28, 28)'`, model.line);
  if (model.outputs && model.outputs.length > 1) throw new TranslateError(`${model.name} (line ${model.line}): its forward returns ${model.outputs.length} tensors; only single-output models can be trained`, model.line);
  if (model.layers.length === 0) throw new TranslateError(`${model.name} (line ${model.line}): no layers were found in it`, model.line);
  const layers: LayerSpec[] = [];
  let prev: Dim[] = first;
  for (const l of model.layers) {
    if (l.inputs && l.inputs.length > 1) refuse(l, 'it takes several tensors (a skip connection, concatenation or branch); only models whose forward is a single chain can be trained');
    if (l.outputs && l.outputs.length > 1) refuse(l, 'it returns several tensors; only single-output chains can be trained');
    if (!known(l.input) || !known(l.output)) refuse(l, `its ${known(l.input) ? 'output' : 'input'} shape is unknown${l.unknownReason ? ` (${l.unknownReason})` : ''}`);
    // The engine lists layers in execution order but not the data flow; a chain means each layer
    // consumes exactly what the previous one produced.
    if (l.input.length !== prev.length || l.input.some((d, i) => i > 0 && d !== prev[i])) {
      refuse(l, `its input (${l.input.join(', ')}) is not the previous layer's output (${prev.join(', ')}); only models whose forward is a single chain of layers can be trained`);
    }
    const spec = layerSpec(l, l.input, l.output);
    if (spec) layers.push(spec);
    prev = l.output;
  }
  return { name: model.name, input: inputDims, layers };
}

/** MNIST gives [B, 1, 28, 28] images; a model may also take them as [B, 784] or [B, 28, 28]. */
export function checkMnistCompatible(model: ModelResult, spec: NetSpec): void {
  const inOk = ['1,28,28', '784', '28,28'].includes(spec.input.join(','));
  if (!inOk) {
    throw new TranslateError(`${model.name} (line ${model.line}): its input is (${(model.input[0] ?? []).join(', ')}) but MNIST digits are (B, 1, 28, 28); set '# input: (1, 1, 28, 28)' or adapt the model`, model.line);
  }
  const out = model.output;
  if (!out || out.length !== 2 || out[1] !== 10) {
    throw new TranslateError(`${model.name} (line ${model.line}): its output is (${(out ?? ['?']).join(', ')}) but MNIST training needs (B, 10) class scores`, model.line);
  }
}
