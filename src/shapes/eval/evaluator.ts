// What library/ code (torch functions, tensor methods, builtins) may ask of the interpreter: the way
// pyright's operations.ts sees its TypeEvaluator. The library imports this interface, the values and
// the pure helpers of eval/ (semantics, calls, budget), never the interpreter itself, so the two
// never import each other at run time.
import type { D } from '../library/dims';
import type { LayerRule } from '../library/layers/rule';
import type { Span } from '../syntax/ast';
import type { DimFormula, LayerConfig, LayerResult, Severity, VariableShape } from '../types';
import type { CallArgs } from './calls';
import type { CallLog } from './moduleTree';
import type { FlowRecorder } from './flow';
import type { TensorData } from './tensorData';
import type { ModuleInst, TensorV, Value } from './values';

/** What a forward trace collects for one model. */
export interface Trace {
  layers: LayerResult[];
  variables: VariableShape[];
  /** The walk that named this model's modules (see nameTree in index.ts): a module's `path` counts only if marked by it. */
  walk: number;
  /** Functions whose assignments are recorded as variables (forward of traced modules). */
  depth: number;
  /** Source offsets already in `variables` (an offset is one line and column). */
  varOffsets?: Set<number>;
  /** Every module call, for the module tree (moduleTree.ts); absent when nobody reads it (the probe). */
  calls?: CallLog;
  /** Records the forward as a graph of tensor operations, when the analysis asked for it. */
  flow?: FlowRecorder;
}

/** Inputs seen in the file for a model: `model(torch.randn(...))`, `summary(model, (1, 28, 28))`. */
/**
 * A model's argument as a call gives it: a tensor's shape, or `None` written as the argument
 * (torchaudio's `layer(x, None)` for an optional mask), which forward then receives.
 */
/**
 * A model argument as the file's own call gives it: a tensor's shape, None, or a tuple or list of
 * those (an LSTM's `(h0, c0)`), which forward receives as that tuple or list.
 */
export type ModelArg = D[] | 'None' | { seq: 'tuple' | 'list'; items: ModelArg[] };

export interface SeenCall {
  key: string;
  /** null: an argument that is neither a tensor nor None, which makes the call no input. */
  inputs: (ModelArg | null)[];
  viaSummary: boolean;
  /** The instance called, as the file left it (a factory may have changed it after building it). */
  m?: ModuleInst;
  /**
   * The call's keyword arguments that are plain constants (`num_flow_updates=2`), given to forward
   * when it is traced on this call's input: forward's defaults would trace another model.
   */
  kw?: Map<string, Value>;
  /**
   * The elements of the call's small constant tensor arguments (`torch.tensor([20, 15])` given as
   * lengths), by position, null where not known: forward sees the values PyTorch runs it with.
   */
  data?: (InputData | null)[];
}

/** A tensor argument's known elements (eval/tensorData.ts, without its epoch). */
export type InputData = Omit<TensorData, 'epoch'>;

export interface Evaluator {
  /** The trace of the model being analysed; null outside a traced forward. */
  readonly trace: Trace | null;
  /** Discovery mode: calls of models are recorded (seenCalls), not traced. */
  readonly discovering: boolean;
  /** The inputs the file gives its models (`summary(model, (1, 28, 28))`), filled during discovery. */
  readonly seenCalls: SeenCall[];
  /** A diagnostic at `span`; dropped unless a model is being analysed for reporting. */
  diag(
    code: string,
    severity: Severity,
    message: string,
    span: Span,
    fix?: { span: Span; value: number | string; title: string },
  ): void;
  /** `obj.name`, as Python reads it. */
  getAttr(obj: Value, name: string): Value;
  /** A fresh id for one walk over a module tree (see ModuleInst.walk). */
  newWalk(): number;
  /** A torch.nn layer built from its rule, as `nn.Conv2d(...)` builds it. */
  buildLeaf(rule: LayerRule, a: CallArgs, site: Span): Value;
  /** Calls a layer module on `a` (the functional forms, `F.conv2d`, call a leaf built for them). */
  applyLeaf(m: ModuleInst, a: CallArgs, site: Span, fname: string): Value;
  /** `m.name = v`, registering a module or parameter as PyTorch's __setattr__ does. */
  setModuleAttr(m: ModuleInst, name: string, v: Value): void;
  /** One row of the trace (a layer or a torch function call); returns `output`, tagged with its sources. */
  recordLayer(
    name: string,
    type: string,
    site: Span,
    input: TensorV,
    inputs: Value[],
    output: Value,
    params: number | null,
    macs: number | null,
    formulas: DimFormula[] | null,
    def: Span | undefined,
    config: LayerConfig | undefined,
    doc: string | undefined,
    functional: boolean,
  ): Value;
  /** `v` with the input sources of `self` and the call's arguments (data flow for the trace). */
  inheritSources(v: Value, self: Value | null, a: CallArgs): Value;
}
