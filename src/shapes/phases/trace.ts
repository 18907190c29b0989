// Tracing, the third phase: the model's forward runs on its input, one row per layer call into the
// trace.
import { BudgetExceeded } from '../eval/budget';
import { noArgs } from '../eval/calls';
import type { InputData, ModelArg, Trace } from '../eval/evaluator';
import { setData } from '../eval/tensorData';
import type { Interp } from '../eval/interp';
import type { ModuleInst, TensorV, Value } from '../eval/values';
import type { Span } from '../syntax/ast';
import { contained } from './contain';

/**
 * The value forward returns for `input` (unknown with the reason when there is none) and the
 * keyword arguments `kw`, tracing into `trace`; its diagnostics count only when `report`.
 */
export function traceForward(
  it: Interp,
  root: ModuleInst,
  input: ModelArg[] | null,
  site: Span,
  trace: Trace,
  report: boolean,
  kw?: Map<string, Value>,
  data?: (InputData | null)[],
): Value {
  try {
    return it.inPhase({ kind: 'trace', trace, report }, () =>
      input
        ? it.callModule(
            root,
            noArgs(
              input.map((s, k) => {
                if (s === 'None') return { k: 'none' };
                if (!Array.isArray(s)) return argValue(s);
                const x: TensorV = { k: 'tensor', shape: s, src: [-1 - k], srcTrace: trace };
                const d = data?.[k];
                if (d) setData(x, d.v, d.float, d.exact);
                return trace.flow ? trace.flow.input(k, x, it.lines.pos(site.from).line) : x;
              }),
              kw,
            ),
            site,
            site,
          )
        : {
            k: 'unknown',
            why: 'no input shape: add a comment like `# input: (1, 1, 28, 28)` above the model',
          },
    );
  } catch (e) {
    contained(it, e);
    return {
      k: 'unknown',
      why: e instanceof BudgetExceeded ? e.message : 'analysis stopped: internal analyser error',
    };
  }
}

/** A tuple or list argument as forward receives it; its tensors are inputs of no traced row. */
function argValue(s: ModelArg): Value {
  if (s === 'None') return { k: 'none' };
  if (Array.isArray(s)) return { k: 'tensor', shape: s };
  return { k: 'seq', kind: s.seq, items: s.items.map(argValue) };
}
