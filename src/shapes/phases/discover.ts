// Discovery, the first phase: the file's top level runs once, collecting its classes, Sequentials,
// model factories and the calls that give a model its input; what it finds are the candidate models.
import { type Budget, BudgetExceeded } from '../eval/budget';
import { noArgs } from '../eval/calls';
import { assignedNames } from '../eval/dataflow';
import type { Interp } from '../eval/interp';
import type { ClassInfo, ModuleInst, Value } from '../eval/values';
import type { ParsedFile, Span, Stmt } from '../syntax/ast';
import { SHARE, budgetNote, contained } from './contain';

export interface Candidate {
  name: string;
  kind: 'module' | 'sequential';
  span: Span;
  nameSpan: Span;
  cls?: ClassInfo;
  seq?: ModuleInst;
  /** A factory function's model: the module it returned. */
  root?: ModuleInst;
}

/** Runs the file's top level, then the functions nothing calls, and returns the candidate models. */
export function discover(it: Interp, parsed: ParsedFile, budget: Budget): Candidate[] {
  it.globals.vars.set('__name__', { k: 'str', v: '__main__' });
  // Discovery: run the module's top level once, collecting classes, Sequentials and model calls.
  const frame = { ret: { k: 'none' } as Value, traced: false };
  it.inPhase({ kind: 'discover', speculative: false }, () => {
    for (const st of parsed.stmts) {
      try {
        budget.capped(SHARE, () => it.exec(st, it.globals, frame));
      } catch (e) {
        contained(it, e);
        // What was collected so far still counts; a statement stopped on its share of the budget
        // leaves what it assigns unknown, and the file goes on.
        const why = budgetNote(it, e, st, 'this statement');
        if (!(e instanceof BudgetExceeded && e.partial)) break;
        for (const name of assignedNames([st])) it.globals.vars.set(name, { k: 'unknown', why });
      }
    }
  });
  // A call like `net(torch.randn(...))` inside a test function nothing calls still states an input.
  // A function that builds a model with no arguments (`def ResNet18(): return ResNet(BasicBlock, [2, 2, 2, 2])`)
  // is a model of its own, reported under its name.
  const factories: Candidate[] = [];
  it.inPhase({ kind: 'discover', speculative: true }, () => {
    for (const st of parsed.stmts) {
      if (st.t !== 'def') continue;
      const fn = it.globals.vars.get(st.name);
      if (!fn || fn.k !== 'func' || fn.span !== st) continue;
      // A factory returns what it builds; a `main()` that returns nothing is not run a second time.
      const noArgsOk =
        st.params.every((p) => p.def !== undefined || p.star !== undefined) &&
        st.body.some((b) => b.t === 'return' && b.value !== undefined);
      if (it.calledFuncs.has(fn.span) && !(noArgsOk && !st.name.startsWith('_'))) continue;
      let r: Value;
      try {
        r = budget.capped(SHARE, () => it.callFunc(fn, noArgs()));
      } catch (e) {
        contained(it, e);
        if (!(e instanceof BudgetExceeded && e.partial)) break;
        continue;
      }
      if (
        noArgsOk &&
        !st.name.startsWith('_') &&
        r.k === 'module' &&
        (r.m.kind === 'user' || r.m.kind === 'Sequential') &&
        !r.m.opaque
      )
        factories.push({
          name: st.name,
          kind: 'module',
          span: st,
          nameSpan: st.nameSpan,
          root: r.m,
        });
    }
  });
  return [
    ...findCandidates(parsed, it),
    ...factories.filter(
      (f) => !it.globals.vars.has(f.name) || it.globals.vars.get(f.name)?.k === 'func',
    ),
  ];
}

function findCandidates(parsed: ParsedFile, it: Interp): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const visit = (stmts: Stmt[]): void => {
    for (const st of stmts) {
      if (st.t === 'class') {
        const v = it.globals.vars.get(st.name);
        if (v && v.k === 'class' && v.cls.isModule && v.cls.span === st && !seen.has(st.name)) {
          seen.add(st.name);
          out.push({ name: st.name, kind: 'module', span: st, nameSpan: st.nameSpan, cls: v.cls });
        }
      } else if (st.t === 'assign' && st.targets.length === 1 && st.targets[0].t === 'name') {
        const name = st.targets[0].id;
        const v = it.globals.vars.get(name);
        if (
          v &&
          v.k === 'module' &&
          (v.m.kind === 'Sequential' || v.m.kind === 'leaf') &&
          v.m.origin === name &&
          !seen.has(name)
        ) {
          seen.add(name);
          out.push({ name, kind: 'sequential', span: st, nameSpan: st.targets[0], seq: v.m });
        }
      }
    }
  };
  visit(parsed.stmts);
  return out;
}
