// The shape engine's public result types. The CLI prints a projection of these (the JSON contract in
// docs/cli-contract.md); the editor adapters use the extra fields (ranges, formulas, fixes).
// All lines and columns are 1-based; end columns are exclusive.
import type { ModuleHost } from './modules/host';

/** A dimension: a number when known, a symbolic expression such as "B" or "H-2" otherwise. */
export type Dim = number | string;
/** A tensor shape, or null where the engine cannot tell (never a guess). */
export type Shape = Dim[] | null;

export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** One spatial dimension's formula with the numbers filled in, for hovers. */
export interface DimFormula {
  /** Which output dimension, e.g. "H", "W", "L", "D". */
  dim: string;
  /** The formula in symbols: "⌊(I + 2P − D·(K−1) − 1)/S⌋ + 1". */
  formula: string;
  /** The same with numbers and the result: "⌊(28 + 2·0 − 1·(3 − 1) − 1)/1⌋ + 1 = 26". */
  worked: string;
}

export interface LayerResult {
  /** Line of the call in forward (or of the entry in a Sequential). */
  line: number;
  column: number;
  /** Range of the call expression, for hovers and inlay hints. */
  range: SourceRange;
  /** Dotted path as in `model.named_modules()`: "conv1", "features.0", "layer1.0.conv1". */
  name: string;
  /** PyTorch class name: "Conv2d". Functional ops use their qualified name: "F.max_pool2d". */
  type: string;
  /** Shape of the first tensor input. */
  input: Shape;
  /** Every tensor input, when there are several. */
  inputs?: Shape[];
  /**
   * Data flow: the earlier layer calls whose outputs reach this call's tensor inputs, as indices into
   * the model's `layers`, sorted, no repeats; −1 stands for the model's first forward argument (−2 the
   * second, …). Tensor arithmetic that is not itself a layer entry (`out += shortcut`, indexing) passes
   * its operands' producers on, so ResNet's `F.relu(out)` after `out += self.shortcut(x)` lists both
   * branches. Tensors made inside forward (torch.zeros, a parameter) add nothing. A chain has exactly
   * one producer per call, each the call before it (or −1 for the first). Set on every traced call.
   */
  producers?: number[];
  /** Shape of the (first) output. */
  output: Shape;
  /** Every tensor output, when the layer returns a tuple (LSTM: output, (h, c) flattened). */
  outputs?: Shape[];
  /** Trainable + non-trainable parameters owned by this module (0 for functional ops); null when unknown. */
  params: number | null;
  /** Multiply-adds for one forward pass, where defined and known. */
  macs?: number;
  /** Where the module was constructed (the `self.conv1 = nn.Conv2d(...)` line), when known. */
  definition?: SourceRange;
  formulas?: DimFormula[];
  /** Link to the PyTorch documentation of this layer. */
  docUrl?: string;
  /** Why the output is unknown, when it is. */
  unknownReason?: string;
  /** True for F.* and tensor methods, which do not appear in `named_modules()`. */
  functional?: boolean;
  /** Traced in a branch of an `if` whose condition is known only at run time: the call may not happen. */
  conditional?: boolean;
  /**
   * The evaluated constructor (or functional call) arguments, normalised to PyTorch's parameter names
   * with defaults filled in: { in_channels: 1, out_channels: 32, kernel_size: [3, 3], stride: [1, 1], ... }.
   * The training translator builds the tfjs layer from this.
   */
  config?: LayerConfig;
}

/** One call of a module instance (see ModuleNode). */
export interface ModuleCall {
  /**
   * The call in the file's own code: `self.conv1(x)` in a forward; for an entry of a Sequential, the
   * call of that Sequential; for a module run by torch's own containers, the user's call of the container.
   */
  range: SourceRange;
  /** Every tensor input and output, in order (a tuple output flattened). */
  inputs: Shape[];
  outputs: Shape[];
}

/**
 * One module instance of a model, as `model.named_modules()` lists it (a module reachable by two
 * paths appears once, at the first), in that order, with where it was built and how it was called.
 */
export interface ModuleNode {
  /** Dotted path: "" for the model itself, "layer1.0.conv1". */
  path: string;
  /** PyTorch class name or the user's class name. */
  type: string;
  kind: 'leaf' | 'Sequential' | 'ModuleList' | 'ModuleDict' | 'user';
  /** Index in `modules` of the module holding it; −1 for the model itself. */
  parent: number;
  /** The constructor call (`nn.Conv2d(...)`) in this file; absent when torch's own code built it. */
  definition?: SourceRange;
  /** The calls seen while tracing forward, the first MAX_MODULE_CALLS of them. */
  calls: ModuleCall[];
  /** How many calls were seen in all (more than `calls` holds when a loop calls it many times). */
  callCount: number;
  /**
   * Parameters this module holds itself (not its children's), a tensor tied to an earlier module's
   * counted there; null when unknown. Summed over a subtree this is the subtree's numel.
   */
  params: number | null;
  /**
   * Equal for two modules built alike: the same class, the same constructor configuration, and
   * children alike in the same order. Repeated identical blocks are collapsed on it. Set only on the
   * numbered entries of a module holding two or more (`layer1.0`, `layer1.1`), the only ones compared.
   */
  signature?: string;
}

export type ConfigValue = number | string | boolean | null | ConfigValue[];
export type LayerConfig = Record<string, ConfigValue>;

/** The shape a variable holds after the statement on `line` (hover on `x` in forward). */
export interface VariableShape {
  name: string;
  line: number;
  column: number;
  shape: Shape;
}

/** 'parent': a building block's input, as the model that holds it calls it. */
export type InputSource = 'comment' | 'call' | 'parent' | 'dataset' | 'option' | 'symbolic';

export type CtorValue =
  number | string | boolean | null | CtorValue[] | { $tuple: CtorValue[] } | { $float: number };

export interface ModelResult {
  name: string;
  /** Line of the `class` or of the Sequential assignment. */
  line: number;
  kind: 'module' | 'sequential';
  /** One shape per forward argument. */
  input: Shape[];
  inputSource: InputSource;
  output: Shape;
  outputs?: Shape[];
  /** sum(p.numel() for p in model.parameters()); null when any part of it is unknown. */
  params: number | null;
  /** When `params` is null: the sum of the parts that are known (a lower bound, never the total). */
  paramsKnown?: number;
  /** Multiply-adds of one forward, when every operation that multiply-adds was counted. */
  macs?: number;
  /** When some were not counted: the part that was (a lower bound, never the total)… */
  macsKnown?: number;
  /** …and what was not: `name (Type)` of each row without a count, or why the rest is unknown. */
  macsUncounted?: string[];
  /** Memory one training step needs at the model's input, float32. */
  memory?: ModelMemory;
  layers: LayerResult[];
  variables: VariableShape[];
  /**
   * A class's constructor arguments at the file's first instantiation of it ([] when there is none),
   * as JSON (a tuple is `{"$tuple": [...]}`, a float `{"$float": x}`), so the PyTorch runner builds
   * the same model; null when any argument is not a constant. Absent for a Sequential.
   */
  construct?: { args: CtorValue[]; kwargs: Record<string, CtorValue> } | null;
  /** Range of the class name or the assigned name, where a CodeLens goes. */
  range: SourceRange;
  /** The module tree with definitions and call sites; absent when the model could not be built. */
  modules?: ModuleNode[];
  /** False when the trace of forward stopped early, so a module without calls may yet be called. */
  traceComplete?: boolean;
  /** The forward's tensor operations as a graph; only when the analysis was asked for it (`flow`). */
  graph?: FlowGraph;
}

/**
 * An operand of a graph node. A size that depends on the batch is `v + perBatch·batch` (the trace
 * runs on a symbolic batch so that `x.view(x.size(0), -1)` keeps its meaning at any batch size).
 */
export type FlowArg =
  | { k: 'tensor'; node: number; out: number }
  | { k: 'num'; v: number; perBatch?: number; float?: boolean }
  | { k: 'bool'; v: boolean }
  | { k: 'str'; v: string }
  | { k: 'none' }
  | { k: 'seq'; items: FlowArg[] }
  | { k: 'slice'; lo: FlowArg; hi: FlowArg; step: FlowArg }
  | { k: 'ellipsis' }
  | { k: 'unknown'; why: string };

/**
 * One tensor operation of a traced forward. `input`: the model's forward argument `index`. `layer`:
 * a row of the model's `layers` (modules and the functional layers, `F.relu`), with `module` naming
 * the module instance, the same for every call of one module. `op`: anything else (`+`, `torch.cat`,
 * `x.view`, indexing), with `op` the engine's name for it ('binop:+', 'torch.cat', 'tensor.view',
 * 'getitem', 'unary:-', 'attr:T').
 */
export interface FlowNode {
  kind: 'input' | 'layer' | 'op';
  op: string;
  line: number;
  /** The receiver of a tensor method (`x` in `x.view(...)`). */
  self?: FlowArg;
  args: FlowArg[];
  kwargs: Record<string, FlowArg>;
  /** Every tensor it outputs, flattened in order (LSTM: output, h, c). */
  outputs: Shape[];
  layer?: number;
  module?: number;
  index?: number;
  /** For a layer row made by a torch function or tensor method: that call, as written. */
  call?: { op: string; self?: FlowArg; args: FlowArg[]; kwargs: Record<string, FlowArg> };
  /** Written in place (`out += y`, `inplace=True`): operand `self` (or args[0]) is changed, not copied. */
  inplace?: boolean;
}

export interface FlowGraph {
  nodes: FlowNode[];
  /** What forward returns. */
  output: FlowArg;
  /** Constructs that make the graph not the model (a run-time branch, an in-place write), with lines. */
  refusals: { line: number; why: string }[];
}

/** Bytes, null where a size is unknown or symbolic. */
export interface ModelMemory {
  /** Every traced output kept for backward plus its gradient: 2 × 4 bytes × its elements, summed. */
  activationBytes: number | null;
  /** The parameters: 4 bytes each. */
  paramBytes: number | null;
  /** Adam's exp_avg and exp_avg_sq: 8 bytes per parameter. */
  adamBytes: number | null;
}

export type Severity = 'error' | 'warning' | 'info';

/** A text edit that fixes a diagnostic (the quick fix). */
export interface Fix {
  title: string;
  range: SourceRange;
  newText: string;
}

export interface ShapeDiagnostic {
  line: number;
  column: number;
  range: SourceRange;
  severity: Severity;
  /** Stable code, e.g. "linear-in-features", "conv-in-channels", "view-numel". */
  code: string;
  message: string;
  fix?: Fix;
}

export interface AnalysisResult {
  file: string;
  models: ModelResult[];
  diagnostics: ShapeDiagnostic[];
  /** Files read to follow the file's imports (workspace and installed libraries). */
  imported?: string[];
  /**
   * Set when the analysis reached a limit of its budget (src/shapes/eval/budget.ts): which one was reached
   * first. What it cut short is unknown, with the reason; 'time' depends on the machine, so the editor
   * analyses such a file again in the worker, which has more time.
   */
  budgetExceeded?: 'steps' | 'elements' | 'time';
}

export interface AnalyzeOptions {
  /** File name shown in results. */
  file?: string;
  /** Input used when the file gives none (`--input`, `tensorLens.defaultInput`). */
  defaultInput?: Shape[];
  /** Limits of this analysis's budget, each defaulting to DEFAULT_BUDGET's (src/shapes/eval/budget.ts). */
  budget?: { steps?: number; elements?: number; timeMs?: number };
  /**
   * Tests: an internal error of the analyser is thrown instead of being contained (one statement, one
   * model, or the whole file reported as an "internal" diagnostic), so a bug cannot pass for an
   * unknown value or a budget limit.
   */
  strict?: boolean;
  /**
   * Record each model's forward as a graph of tensor operations (`ModelResult.graph`), traced on a
   * symbolic batch. For training; the editor never asks for it.
   */
  flow?: boolean;
  /**
   * Where imports are read from (workspace roots, the Python's site folders); `file` is then the
   * analysed file's path, which places it in its package. Without it, imports stay external names.
   */
  modules?: ModuleHost;
}
