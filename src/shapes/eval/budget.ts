// One resource budget per analysed file: interpreter steps, allocated elements (list, tuple and dict
// entries, string characters) and wall time. The engine runs on every Python file the editor opens,
// Restricted Mode included, inside the extension host's process, so no Python text may make it
// allocate or loop without a bound. Past the budget the values concerned become unknown, with the
// reason: an allocation over it yields an unknown value in place of the list or string; running out
// of steps or time stops the analysis (BudgetExceeded), and what it was computing is unknown.

export type BudgetKind = 'steps' | 'elements' | 'time';

export interface BudgetLimits {
  /** Statements and expressions evaluated, plus the work of long internal scans, per file. */
  steps: number;
  /** Elements allocated over the whole analysis: list, tuple and dict entries, string characters. */
  elements: number;
  /** Wall time from the start of the analysis, in ms; checked every CLOCK_EVERY steps. */
  timeMs: number;
}

/**
 * Budgets for an analysis nobody waits on interactively (the engine worker, the CLI). The 5,000-line
 * benchmark file (corpus files repeated, 207 models) takes 55 k steps and allocates 156 elements; the
 * largest corpus file 6.5 k steps and 76 elements. These limits leave the 5,000-line file a margin of
 * 18× in steps, and allow 20,000-layer ModuleLists and 100,000-item ranges, while the most they let a
 * file allocate (1 M references, 8 MB) is harmless to the process and takes well under a second.
 * The time limit is a backstop: steps and elements stop every known runaway first, deterministically.
 */
export const DEFAULT_BUDGET: Readonly<BudgetLimits> = {
  steps: 1_000_000,
  elements: 1_000_000,
  timeMs: 10_000,
};

/**
 * Longest sequence `range()` and the other iterables enumerate, and most iterations of a `while`.
 * Past it the loop's values are unknown; carrying on with the values at the cap would give numbers
 * that depend on the cap, not on the program.
 */
export const MAX_ITERATIONS = 100_000;

/** How many steps pass between two looks at the clock (performance.now costs ~50 ns). */
const CLOCK_EVERY = 512;

/**
 * Thrown when the step or time budget is used up. Not an Error: no stack trace is captured. `partial`
 * when only a share of the steps given to one part of the file (a top-level statement, a model) is
 * used up: the analysis goes on with the rest.
 */
export class BudgetExceeded {
  constructor(
    readonly kind: BudgetKind,
    readonly message: string,
    readonly partial = false,
  ) {}
}

export class Budget {
  steps = 0;
  elements = 0;
  /** The first limit reached, if any. */
  exceeded: BudgetKind | null = null;
  private readonly deadline: number;
  private clock = CLOCK_EVERY;
  private stopped: BudgetExceeded | null = null;
  /** The step limit in force: the file's, or a lower one while `capped` runs. */
  private limit: number;
  /** Steps given to the `capped` part running now. */
  private share = 0;

  constructor(
    readonly limits: Readonly<BudgetLimits> = DEFAULT_BUDGET,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.deadline = now() + limits.timeMs;
    this.limit = limits.steps;
  }

  /**
   * Runs `f` with at most `share` of the steps left. Past it, f is stopped with a partial
   * BudgetExceeded and the budget goes on with the rest: one runaway statement or model then costs
   * its own values, not the whole file's.
   */
  capped<T>(share: number, f: () => T): T {
    const saved = this.limit;
    const savedShare = this.share;
    this.share = Math.floor((saved - this.steps) * share);
    this.limit = this.steps + this.share;
    try {
      return f();
    } finally {
      this.limit = saved;
      this.share = savedShare;
    }
  }

  /** Counts `n` units of work; throws BudgetExceeded once steps or time are used up (and every time after). */
  step(n = 1): void {
    if (this.stopped) throw this.stopped;
    this.steps += n;
    if (this.steps > this.limit) {
      if (this.limit >= this.limits.steps)
        this.stop(
          'steps',
          `the analysis stopped: it used up its budget of ${fmt(this.limits.steps)} steps (the file loops or recurses more than the analyser follows)`,
        );
      this.exceeded ??= 'steps';
      throw new BudgetExceeded(
        'steps',
        `stopped: it used up its share of the analysis budget, ${fmt(this.share)} steps (it loops or recurses more than the analyser follows)`,
        true,
      );
    }
    this.clock -= n;
    if (this.clock <= 0) this.checkClock();
  }

  private checkClock(): void {
    this.clock = CLOCK_EVERY;
    if (this.now() > this.deadline)
      this.stop(
        'time',
        `the analysis stopped: it took longer than its ${fmt(this.limits.timeMs)} ms budget`,
      );
  }

  /**
   * Reserves `n` elements for a new list, tuple, dict or string. Returns null when they fit, else the
   * reason the value is unknown (the allocation must then not happen). Throws BudgetExceeded when the
   * time is up.
   */
  alloc(n: number, what: string): string | null {
    if (this.stopped) throw this.stopped;
    const left = this.limits.elements - this.elements;
    if (n >= 0 && n <= left) {
      this.elements += n;
      // Copying elements takes time between steps too (a few ns each): it brings the next look at
      // the clock closer, so a run of large allocations cannot overrun the time limit unseen.
      this.clock -= n >> 6;
      if (this.clock <= 0) this.checkClock();
      return null;
    }
    this.exceeded ??= 'elements';
    const size =
      n === 1 ? '' : Number.isFinite(n) ? ` of ${fmt(n)} elements` : ' of unbounded size';
    return `${what}${size} is too large to analyse (the analyser's budget is ${fmt(this.limits.elements)} elements per file, ${fmt(Math.max(0, left))} left)`;
  }

  private stop(kind: BudgetKind, message: string): never {
    this.exceeded ??= kind;
    this.stopped = new BudgetExceeded(kind, message);
    throw this.stopped;
  }
}

/** 1,000,000: thousands separated as in the rest of the engine's messages (toLocaleString is ~100× slower). */
export function fmt(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// The budget of the analysis running now. The engine is synchronous, so one analysis runs at a time
// per thread; free functions (builtins, container methods, value traversals) charge it without every
// signature carrying the interpreter.
let active = new Budget();

export function activeBudget(): Budget {
  return active;
}

/** Runs `f` with `b` as the active budget. */
export function withBudget<T>(b: Budget, f: () => T): T {
  const prev = active;
  active = b;
  try {
    return f();
  } finally {
    active = prev;
  }
}

/** Charges `n` steps of work to the active budget (long scans and traversals that do not tick). */
export function spend(n: number): void {
  active.step(n);
}

/** Reserves `n` elements on the active budget: null when they fit, else the reason the value is unknown. */
export function allocate(n: number, what: string): string | null {
  return active.alloc(n, what);
}
