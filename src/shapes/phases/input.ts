// Choosing the input, the second phase: what a model is traced on, from what the file states (a
// comment, a call, the parent block's call, the dataset), the caller's option, or a probe of forward.
import { noArgs } from '../eval/calls';
import type { ModelArg, SeenCall } from '../eval/evaluator';
import { type Interp, PROBE_WHY, ProbeFound } from '../eval/interp';
import type { ModuleInst } from '../eval/values';
import type { D } from '../library/dims';
import { toDims } from '../models';
import type { AnalyzeOptions, InputSource } from '../types';
import { contained } from './contain';
import type { Candidate } from './discover';

/** What the file says about one model's input, read before its root module is built. */
export interface KnownInput {
  comment: (number | string)[][] | null;
  call: SeenCall | undefined;
  fromParent: { m: ModuleInst; inputs: D[][] } | undefined;
  dataset: (number | string)[] | null;
  kind: Candidate['kind'];
  name: string;
  options: AnalyzeOptions;
  block: boolean;
}

/**
 * The input, in the order of docs/cli-contract.md; null (symbolic, unknown) when nothing gives one.
 * `rankGuessed`: the probe's first layer takes any rank, so the input's rank is a guess.
 */
export function chooseInput(
  it: Interp,
  root: ModuleInst,
  walk: number,
  known: KnownInput,
): { input: ModelArg[] | null; source: InputSource; rankGuessed: boolean } {
  const { comment, call, fromParent, dataset, options, block } = known;
  let input: ModelArg[] | null = null;
  let source: InputSource = 'symbolic';
  if (comment) {
    input = comment.map(toDims);
    source = 'comment';
  }
  if (!input) {
    if (call) {
      const fromSummary =
        call.viaSummary && [...it.imports].some((p) => p.startsWith('torchsummary'));
      input = call.inputs.map((s) =>
        fromSummary && Array.isArray(s) ? [...toDims(['B']), ...s] : (s as ModelArg),
      );
      source = 'call';
    }
  }
  if (!input && fromParent) {
    input = fromParent.inputs;
    source = 'parent';
  }
  if (!input && dataset && known.kind === 'module' && it.topInstantiated.has(known.name)) {
    input = [toDims(dataset)];
    source = 'dataset';
  }
  // --input and tensorLens.defaultInput are for the file's models, not for every block they hold.
  if (!input && !block && options.defaultInput && options.defaultInput.length) {
    const ok = options.defaultInput.every((s): s is (number | string)[] => Array.isArray(s));
    if (ok) {
      input = (options.defaultInput as (number | string)[][]).map(toDims);
      source = 'option';
    }
  }
  let rankGuessed = false;
  if (!input) {
    const p = probeInput(it, root, walk);
    if (p) {
      input = [toDims(p.shape)];
      rankGuessed = p.rankGuessed;
    }
    source = 'symbolic';
  }
  return { input, source, rankGuessed };
}

/** Runs forward with a marker input; the first layer that receives it says what it accepts. */
function probeInput(
  it: Interp,
  root: ModuleInst,
  walk: number,
): { shape: (number | string)[]; rankGuessed: boolean } | null {
  try {
    it.inPhase({ kind: 'probe', trace: { layers: [], variables: [], walk, depth: 0 } }, () =>
      it.callModule(
        root,
        noArgs([{ k: 'tensor', shape: null, why: PROBE_WHY }]),
        { from: 0, to: 0 },
        { from: 0, to: 0 },
      ),
    );
  } catch (e) {
    // A layer built with a size PyTorch refuses (Conv2d(-1, …)) accepts no input: no probe from it.
    if (e instanceof ProbeFound)
      return e.shape?.every((d) => typeof d === 'string' || (Number.isInteger(d) && d > 0))
        ? { shape: e.shape, rankGuessed: e.rankGuessed }
        : null;
    contained(it, e);
  }
  return null;
}
