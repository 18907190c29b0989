// The sampling playground, below the Sampling tab's results: pick a hard 2-D target from the
// gallery (or type any density in x, or in x and y), record a short chain of MH, slice, HMC or
// NUTS in the worker, and watch it move by move on the density: "Step" one move, "Animate" at a
// chosen speed, "Pause", and "Reset" to the first move (the recorded chain is fixed by its seed,
// so a reset replays the very same moves). Drawn on one canvas; colours are the theme's, with
// accepted in blue and rejected in orange (a pair that colour-blind readers tell apart). A 2-D
// density is shaded with contour lines over it; below the plot, each axis's histogram of the moves
// shown so far grows against the density's marginal, as the Sampling tab's cards draw theirs.
import type { SamplerStep, StepPoint, StepSamplerName, StepTrace } from '../src/common/messages';
import { SAMPLER_TABLE, STEP_SAMPLERS } from '../src/common/messages';
import { GALLERY_2D } from '../src/common/gallery2d';
import { type Chart, currentTheme, withAlpha } from './charts';
import {
  binCounts,
  CONTOUR_NOTE,
  gridMarginal,
  massContours,
  normalisedCurve,
  type Segment,
} from './contours';
import { histChart, setHistogram } from './histChart';
import type { ViewContext } from './context';
import { h } from './dom';
import {
  axisTicks,
  MAX_PLOT_HEIGHT,
  plotFrame,
  scalesEqual,
  UNEQUAL_SCALES_NOTE,
} from './plotFrame';
import {
  moveParts,
  revealed,
  stepCaption,
  traceCaption,
  traceRequest,
  type PlaygroundForm,
} from './playgroundData';
import { TUNING_FIELDS, tuningFieldsFor, tuningPlaceholder } from './tuningForm';
import type { Part } from './store';

const LABELS: Record<StepSamplerName, string> = {
  mh: 'Metropolis–Hastings',
  slice: 'Slice (Gibbs in 2-D)',
  hmc: 'HMC',
  nuts: 'NUTS',
};
const PAD = 28;
const MARGINAL_BINS = 20;

interface Marginal {
  axis: 0 | 1;
  chart: Chart;
  edges: number[];
}

export class PlaygroundView {
  private readonly gallery = h('select', { 'aria-label': 'gallery target' });
  private readonly expr = h('input', {
    type: 'text',
    class: 'pg-expr',
    'aria-label': 'playground density',
    spellcheck: 'false',
  });
  private readonly sampler = h('select', { 'aria-label': 'playground sampler' });
  private readonly seed = h('input', {
    type: 'text',
    class: 'pg-num',
    value: '1',
    'aria-label': 'seed',
  });
  private readonly steps = h('input', {
    type: 'text',
    class: 'pg-num',
    value: '40',
    'aria-label': 'moves',
  });
  private readonly warmup = h('input', {
    type: 'text',
    class: 'pg-num',
    placeholder: 'auto',
    'aria-label': 'warm-up',
  });
  private readonly tuning = new Map<string, { input: HTMLInputElement; label: HTMLElement }>();
  private readonly recordBtn = h('button', { type: 'button', class: 'pg-record' }, 'Record');
  private readonly stepBtn = h('button', { type: 'button', class: 'pg-step' }, 'Step');
  private readonly animateBtn = h('button', { type: 'button', class: 'pg-animate' }, 'Animate');
  private readonly resetBtn = h('button', { type: 'button', class: 'pg-reset' }, 'Reset');
  private readonly speed = h('input', {
    type: 'range',
    min: 1,
    max: 30,
    value: 4,
    'aria-label': 'moves per second',
  });
  private readonly speedText = h('span', { class: 'muted' });
  private readonly error = h('div', { class: 'error-text', role: 'alert' });
  private readonly caption = h('div', {
    class: 'pg-caption',
    role: 'status',
    'aria-live': 'polite',
  });
  private readonly canvas = h('canvas', { class: 'pg-canvas', 'aria-label': 'step-through plot' });
  private readonly why = h('div', { class: 'muted' });
  private readonly defaults = h('div', { class: 'muted' });
  private readonly contourNote = h('div', { class: 'muted' });
  private readonly marginBox = h('div', { class: 'pg-marginals' });
  private marginals: Marginal[] = [];
  /** The moves the marginals' histograms were last drawn for. */
  private marginalsAt = -1;
  /** The current trace's contour lines, one list per level, in grid units. */
  private contours: Segment[][] = [];
  private trace: StepTrace | null = null;
  /** Moves fully shown; the one at `index` is `t` of the way through its animation. */
  private index = 0;
  private t = 0;
  private playing = false;
  private lastTime = 0;
  private rafId = 0;
  private range: [number, number] | undefined;
  private rangeY: [number, number] | undefined;

  constructor(
    root: HTMLElement,
    private readonly ctx: ViewContext,
  ) {
    this.gallery.append(h('option', { value: '' }, 'gallery…'));
    GALLERY_2D.forEach((g, i) => this.gallery.append(h('option', { value: String(i) }, g.name)));
    for (const s of STEP_SAMPLERS) this.sampler.append(h('option', { value: s }, LABELS[s]));
    this.sampler.value = 'nuts';
    const first = GALLERY_2D[0];
    this.expr.value = first.expr;
    this.gallery.value = '0';
    this.why.textContent = first.why;
    const tuningRow = h('div', { class: 'pg-row' });
    for (const f of TUNING_FIELDS) {
      // The placeholder shows the default; the title says what auto does.
      const input = h('input', {
        type: 'text',
        class: 'pg-num',
        placeholder: 'auto',
        title: f.auto,
        'aria-label': f.label,
      });
      const label = h('label', { class: 'pg-field' }, f.label, input);
      this.tuning.set(f.key, { input, label });
      tuningRow.append(label);
    }
    root.append(
      h(
        'section',
        { class: 'playground' },
        h('div', { class: 'section-title' }, h('span', null, 'Playground: step through a sampler')),
        h('div', { class: 'pg-row' }, this.gallery, this.expr),
        this.why,
        h(
          'div',
          { class: 'pg-row' },
          h('label', { class: 'pg-field' }, 'sampler', this.sampler),
          h('label', { class: 'pg-field' }, 'seed', this.seed),
          h('label', { class: 'pg-field' }, 'moves', this.steps),
          h('label', { class: 'pg-field' }, 'warm-up', this.warmup),
        ),
        tuningRow,
        this.defaults,
        h(
          'div',
          { class: 'pg-row' },
          this.recordBtn,
          this.stepBtn,
          this.animateBtn,
          this.resetBtn,
          h('label', { class: 'pg-field' }, 'speed', this.speed, this.speedText),
        ),
        this.error,
        this.canvas,
        this.caption,
        this.contourNote,
        this.marginBox,
      ),
    );
    this.gallery.addEventListener('change', () => this.pickGallery());
    this.sampler.addEventListener('change', () => this.showTuning());
    this.recordBtn.addEventListener('click', () => this.record());
    this.stepBtn.addEventListener('click', () => this.step());
    this.animateBtn.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    this.resetBtn.addEventListener('click', () => this.reset());
    this.speed.addEventListener('input', () => this.showSpeed());
    // Drawn in the next frame, not in the observer's callback: a 2-D plot's height follows its
    // width, and a size changed inside the callback is reported as a ResizeObserver loop error.
    new ResizeObserver(() => requestAnimationFrame(() => this.draw())).observe(this.canvas);
    this.showTuning();
    this.showSpeed();
    this.updateButtons();
  }

  private pickGallery(): void {
    const g = GALLERY_2D[Number(this.gallery.value)];
    if (!this.gallery.value || !g) return;
    this.expr.value = g.expr;
    this.why.textContent = g.why;
    this.range = g.range;
    this.rangeY = g.rangeY;
  }

  /** The sampler's fields, each placeholder "auto" or the setting the host will fill in. */
  private showTuning(): void {
    const s = this.sampler.value as StepSamplerName;
    const d = this.ctx.model.defaults;
    for (const f of TUNING_FIELDS) {
      const el = this.tuning.get(f.key);
      if (!el) continue;
      el.label.hidden = !f.for.includes(s);
      el.input.setAttribute('placeholder', tuningPlaceholder(d?.tuning?.[f.key]));
    }
    this.warmup.setAttribute('placeholder', tuningPlaceholder(d?.warmup));
    const fromSettings = (v: number | undefined, auto: string): string =>
      v === undefined ? auto : `${v} from the settings`;
    const warmup = `warm-up ${fromSettings(d?.warmup, 'auto')}`;
    const shown = tuningFieldsFor(s);
    this.defaults.textContent = shown.length
      ? `Defaults: ${shown.map((f) => `${f.label} ${fromSettings(d?.tuning?.[f.key], f.auto)}`).join('; ')}; ${warmup}.`
      : `No tuning: the slice width is adapted in warm-up (${warmup}).`;
  }

  private showSpeed(): void {
    this.speedText.textContent = `${this.speed.value}/s`;
  }

  private form(): PlaygroundForm {
    const tuning = {} as PlaygroundForm['tuning'];
    for (const f of TUNING_FIELDS) tuning[f.key] = this.tuning.get(f.key)?.input.value ?? '';
    return {
      expr: this.expr.value,
      sampler: this.sampler.value as StepSamplerName,
      seed: this.seed.value,
      steps: this.steps.value,
      warmup: this.warmup.value,
      tuning,
    };
  }

  private record(): void {
    // A typed expression that is not the gallery's own text keeps no gallery range.
    const g = GALLERY_2D[Number(this.gallery.value)];
    const own = this.gallery.value !== '' && g && g.expr === this.expr.value;
    const req = traceRequest(
      this.form(),
      own ? this.range : undefined,
      own ? this.rangeY : undefined,
    );
    if ('error' in req) {
      this.error.textContent = req.error;
      return;
    }
    this.error.textContent = '';
    this.caption.textContent = 'recording…';
    this.pause();
    this.ctx.post({ type: 'traceSteps', params: req.params, steps: req.steps });
  }

  render(parts: Set<Part>): void {
    if (parts.has('form')) this.showTuning();
    if (!parts.has('playground')) return;
    const m = this.ctx.model;
    this.error.textContent = m.stepTraceError ?? '';
    if (m.stepTraceError) this.caption.textContent = '';
    if (m.stepTrace && m.stepTrace !== this.trace) {
      this.trace = m.stepTrace;
      this.index = 0;
      this.t = 0;
      this.contours = contoursOf(this.trace);
      this.contourNote.textContent = this.contours.length
        ? `${CONTOUR_NOTE}${scalesNote(this.trace)}`
        : '';
      this.buildMarginals();
      this.draw();
    }
    this.updateButtons();
  }

  retheme(): void {
    this.buildMarginals();
    this.draw();
  }

  /** One histogram chart per axis under the plot, for the current trace. */
  private buildMarginals(): void {
    for (const m of this.marginals) m.chart.destroy();
    this.marginals = [];
    this.marginalsAt = -1;
    this.marginBox.replaceChildren();
    const tr = this.trace;
    if (!tr) return;
    const color = currentTheme().colors[SAMPLER_TABLE[tr.sampler].color];
    const axes: [0 | 1, [number, number], { x: number[]; y: number[] } | null][] =
      tr.dims === 2 && tr.density2d && tr.rangeY
        ? [
            [0, tr.range, gridMarginal(tr.density2d, 0, tr.range)],
            [1, tr.rangeY, gridMarginal(tr.density2d, 1, tr.rangeY)],
          ]
        : [[0, tr.range, normalisedCurve(tr.density.y, tr.range)]];
    for (const [axis, range, curve] of axes) {
      const name = axis === 0 ? 'x' : 'y';
      const canvas = h('canvas', {
        role: 'img',
        'aria-label': `marginal ${name}: moves so far vs the density`,
      });
      const edges = binCounts([], range[0], range[1], MARGINAL_BINS).edges;
      const counts = new Array<number>(MARGINAL_BINS).fill(0);
      // A curve that cannot be computed is left out, never drawn as zero.
      const chart = histChart(canvas, edges, counts, curve ?? { x: [], y: [] }, color, name);
      this.marginBox.append(
        h(
          'div',
          { class: 'pg-marginal' },
          h(
            'div',
            { class: 'chart-title' },
            h('span', null, `Marginal ${name}: moves so far vs the density`),
          ),
          h('div', { class: 'chart-box short' }, canvas),
        ),
      );
      this.marginals.push({ axis, chart, edges });
    }
  }

  /** The histograms of the positions after each move shown, when that number changed. */
  private updateMarginals(): void {
    const tr = this.trace;
    if (!tr || this.marginalsAt === this.index) return;
    this.marginalsAt = this.index;
    const done = tr.steps.slice(0, this.index);
    for (const m of this.marginals) {
      const xs = done.map((s) => s.to[m.axis]);
      const lo = m.edges[0],
        hi = m.edges[m.edges.length - 1];
      const { counts } = binCounts(xs, lo, hi, MARGINAL_BINS);
      setHistogram(m.chart, m.edges, counts, xs.length);
    }
  }

  private updateButtons(): void {
    const n = this.trace?.steps.length ?? 0;
    this.stepBtn.disabled = !this.trace || this.index >= n;
    this.animateBtn.disabled = !this.trace || (this.index >= n && !this.playing);
    this.resetBtn.disabled = !this.trace;
    this.animateBtn.textContent = this.playing ? 'Pause' : 'Animate';
  }

  /** Shows the next move whole (finishing the one in progress, if any). */
  private step(): void {
    const n = this.trace?.steps.length ?? 0;
    if (this.index >= n) return;
    if (this.t > 0) {
      this.index++;
      this.t = 0;
    }
    if (this.index < n) this.t = 1;
    this.pause();
    this.draw();
  }

  private play(): void {
    if (!this.trace) return;
    this.playing = true;
    this.lastTime = performance.now();
    this.rafId = requestAnimationFrame((now) => this.tick(now));
    this.updateButtons();
  }

  private pause(): void {
    this.playing = false;
    if (this.rafId) cancelAnimationFrame(this.rafId);
    this.rafId = 0;
    this.updateButtons();
  }

  private reset(): void {
    this.pause();
    this.index = 0;
    this.t = 0;
    this.draw();
  }

  private tick(now: number): void {
    if (!this.playing || !this.trace) return;
    const dt = Math.min(0.25, (now - this.lastTime) / 1000);
    this.lastTime = now;
    this.t += dt * Number(this.speed.value);
    const n = this.trace.steps.length;
    while (this.t >= 1 && this.index < n) {
      // Each finished move stays shown for a moment at full before the next starts.
      if (this.t < 1.15) break;
      this.t -= 1.15;
      this.index++;
    }
    if (this.index >= n) {
      this.index = n;
      this.t = 0;
      this.draw();
      this.pause();
      return;
    }
    this.draw();
    this.rafId = requestAnimationFrame((ts) => this.tick(ts));
  }

  private draw(): void {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const tr = this.trace;
    const w = Math.max(120, c.clientWidth);
    // A 2-D plot keeps equal scales on x and y (see plotFrame), so its height follows its width;
    // a 1-D curve takes the height the stylesheet gives.
    const frame =
      tr?.dims === 2 && tr.rangeY ? plotFrame(w, tr.range, tr.rangeY, PAD, MAX_PLOT_HEIGHT) : null;
    const wantHeight = frame ? `${Math.round(frame.outerHeight)}px` : '';
    if (c.style.height !== wantHeight) c.style.height = wantHeight;
    const hh = Math.max(120, c.clientHeight);
    // The plot area: left, top, width, height.
    const L = frame ? frame.left : PAD,
      T = PAD,
      PW = frame ? frame.width : w - 2 * PAD,
      PH = frame ? frame.height : Math.max(1, hh - 2 * PAD);
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(hh * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(hh * dpr);
    }
    const g = c.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const th = currentTheme();
    g.clearRect(0, 0, w, hh);
    if (!tr) {
      g.fillStyle = th.muted;
      g.font = th.font ? `12px ${th.font}` : '12px sans-serif';
      g.fillText('Record a chain to step through it.', PAD, hh / 2);
      this.caption.textContent = this.caption.textContent || '';
      return;
    }
    const [x0, x1] = tr.range;
    const [y0, y1] = tr.dims === 2 && tr.rangeY ? tr.rangeY : [0, 1.12];
    const X = (x: number): number => L + ((x - x0) / (x1 - x0)) * PW;
    const Y = (y: number): number => T + PH - ((y - y0) / (y1 - y0)) * PH;
    const dens = (x: number): number => {
      // Linear interpolation of the 1-D curve, for placing points on it.
      const xs = tr.density.x,
        ys = tr.density.y;
      if (!xs.length || x <= xs[0] || x >= xs[xs.length - 1]) return 0;
      const i = Math.min(
        xs.length - 2,
        Math.floor(((x - xs[0]) / (xs[xs.length - 1] - xs[0])) * (xs.length - 1)),
      );
      const f = (x - xs[i]) / (xs[i + 1] - xs[i]);
      return ys[i] + f * (ys[i + 1] - ys[i]);
    };
    const P = (p: StepPoint): [number, number] =>
      tr.dims === 2 ? [X(p[0]), Y(p[1])] : [X(p[0]), Y(dens(p[0]))];
    const accept = th.colors.blue,
      reject = th.colors.orange,
      path = th.colors.green;
    // The density.
    if (tr.dims === 2 && tr.density2d) {
      const { nx, ny, values } = tr.density2d;
      // The grid's values are at evenly spaced points including both ends, so each cell is centred
      // on its point (the contours below interpolate between the same points).
      const cw = PW / (nx - 1),
        ch = PH / (ny - 1);
      // Cells are filled in device pixels between rounded edges that neighbours share: no two
      // translucent cells overlap (a darker line) and none leaves a gap (a lighter one).
      g.save();
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.beginPath();
      g.rect(L * dpr, T * dpr, PW * dpr, PH * dpr);
      g.clip();
      const ex = (i: number): number => Math.round((L + (i - 0.5) * cw) * dpr);
      const ey = (j: number): number => Math.round((T + PH - (j - 0.5) * ch) * dpr);
      for (let j = 0; j < ny; j++) {
        const top = ey(j + 1),
          bottom = ey(j);
        for (let i = 0; i < nx; i++) {
          const v = values[j * nx + i];
          if (!(v > 0.003)) continue;
          const left = ex(i);
          g.fillStyle = withAlpha(th.fg, 0.06 + 0.4 * Math.sqrt(v));
          g.fillRect(left, top, ex(i + 1) - left, bottom - top);
        }
      }
      g.restore();
      g.strokeStyle = withAlpha(th.fg, th.highContrast ? 0.9 : 0.55);
      g.lineWidth = 1;
      g.beginPath();
      for (const level of this.contours)
        for (const [a, b, c, d] of level) {
          g.moveTo(L + a * cw, T + PH - b * ch);
          g.lineTo(L + c * cw, T + PH - d * ch);
        }
      g.stroke();
    } else {
      g.strokeStyle = th.fg;
      g.lineWidth = 1.5;
      g.beginPath();
      tr.density.x.forEach((x, i) =>
        i ? g.lineTo(X(x), Y(tr.density.y[i])) : g.moveTo(X(x), Y(tr.density.y[i])),
      );
      g.stroke();
    }
    g.strokeStyle = th.grid;
    g.lineWidth = 1;
    g.strokeRect(L, T, PW, PH);
    // Ticks and their values on x and, in 2-D, on y (a 1-D curve's height is relative).
    g.fillStyle = th.muted;
    g.font = `10px ${th.font || 'sans-serif'}`;
    g.beginPath();
    g.textAlign = 'center';
    for (const t of axisTicks(x0, x1, Math.max(2, Math.min(7, Math.floor(PW / 55))))) {
      g.moveTo(X(t.value), T + PH);
      g.lineTo(X(t.value), T + PH + 3);
      g.fillText(t.label, X(t.value), T + PH + (tr.dims === 2 ? 14 : 20));
    }
    if (tr.dims === 2) {
      g.textAlign = 'right';
      for (const t of axisTicks(y0, y1, Math.max(2, Math.min(7, Math.floor(PH / 40))))) {
        g.moveTo(L - 3, Y(t.value));
        g.lineTo(L, Y(t.value));
        g.fillText(t.label, L - 5, Y(t.value) + 3.5);
      }
    }
    g.stroke();
    g.textAlign = 'start';
    // The chain so far.
    const done = tr.steps.slice(0, this.index);
    g.fillStyle = withAlpha(th.muted, 0.8);
    g.strokeStyle = withAlpha(th.muted, 0.6);
    if (tr.dims === 2) {
      g.beginPath();
      done.forEach((s, i) => {
        const [a, b] = P(s.from);
        if (i === 0) g.moveTo(a, b);
        else g.lineTo(a, b);
        if (i === done.length - 1) g.lineTo(...P(s.to));
      });
      g.stroke();
    }
    for (const s of done) {
      const [a, b] = tr.dims === 2 ? P(s.to) : [X(s.to[0]), T + PH + 6];
      g.fillRect(a - 1.5, b - 1.5, 3, 3);
    }
    // The move in progress.
    const cur = tr.steps[this.index];
    const n = tr.steps.length;
    if (cur && this.t > 0) {
      const k = revealed(moveParts(cur), this.t);
      this.drawMove(g, cur, k, { P, X, Y, dens, accept, reject, path, fg: th.fg, dims: tr.dims });
      this.caption.textContent = `move ${this.index + 1} of ${n}: ${stepCaption(cur, tr.dims)}`;
    } else {
      const last = tr.steps[this.index - 1];
      const [a, b] = P(last ? last.to : tr.steps[0].from);
      g.fillStyle = th.fg;
      g.beginPath();
      g.arc(a, b, 4, 0, 2 * Math.PI);
      g.fill();
      this.caption.textContent =
        this.index === 0
          ? traceCaption(tr, LABELS[tr.sampler])
          : `move ${this.index} of ${n} done${this.index === n ? ' — Reset replays the same moves' : ''}`;
    }
    this.updateMarginals();
    this.updateButtons();
  }

  private drawMove(
    g: CanvasRenderingContext2D,
    s: SamplerStep,
    k: number,
    o: {
      P: (p: StepPoint) => [number, number];
      X: (x: number) => number;
      Y: (y: number) => number;
      dens: (x: number) => number;
      accept: string;
      reject: string;
      path: string;
      fg: string;
      dims: 1 | 2;
    },
  ): void {
    const dot = (p: [number, number], color: string, r = 4): void => {
      g.fillStyle = color;
      g.beginPath();
      g.arc(p[0], p[1], r, 0, 2 * Math.PI);
      g.fill();
    };
    const line = (
      pts: [number, number][],
      color: string,
      width = 1.5,
      dash: number[] = [],
    ): void => {
      if (pts.length < 2) return;
      g.strokeStyle = color;
      g.lineWidth = width;
      g.setLineDash(dash);
      g.beginPath();
      pts.forEach((p, i) => (i ? g.lineTo(p[0], p[1]) : g.moveTo(p[0], p[1])));
      g.stroke();
      g.setLineDash([]);
    };
    dot(o.P(s.from), o.fg, 4);
    switch (s.sampler) {
      case 'mh': {
        const col = k >= 2 ? (s.accepted ? o.accept : o.reject) : o.fg;
        line([o.P(s.from), o.P(s.proposal)], col, 1.5, [4, 3]);
        dot(o.P(s.proposal), col, 5);
        if (k >= 2) dot(o.P(s.to), o.fg, 3);
        return;
      }
      case 'slice': {
        let left = k;
        let at: StepPoint = [s.from[0], s.from[1]];
        for (const u of s.updates) {
          if (left <= 0) return;
          // In 1-D the slice is the horizontal line at its height; in 2-D the segment along the
          // updated axis through the current point.
          const seg = (a: number, b: number): [number, number][] =>
            o.dims === 1
              ? [
                  [o.X(a), o.Y(u.height)],
                  [o.X(b), o.Y(u.height)],
                ]
              : u.axis === 0
                ? [o.P([a, at[1]]), o.P([b, at[1]])]
                : [o.P([at[0], a]), o.P([at[0], b])];
          if (o.dims === 1)
            line(
              [
                [o.X(u.x0), o.Y(0)],
                [o.X(u.x0), o.Y(o.dens(u.x0))],
              ],
              o.fg,
              1,
              [2, 2],
            );
          line(seg(u.initial[0], u.initial[1]), o.path, 2, [3, 3]);
          left--;
          if (left <= 0) return;
          line(seg(u.bracket[0], u.bracket[1]), o.path, 1.5);
          left--;
          for (const sh of u.shrink.slice(0, Math.max(0, left))) {
            const p =
              o.dims === 1
                ? seg(sh.at, sh.at)[0]
                : u.axis === 0
                  ? o.P([sh.at, at[1]])
                  : o.P([at[0], sh.at]);
            dot(p, sh.inside ? o.accept : o.reject, sh.inside ? 5 : 3.5);
          }
          left -= u.shrink.length;
          const last = u.shrink[u.shrink.length - 1];
          if (last) at = u.axis === 0 ? [last.at, at[1]] : [at[0], last.at];
        }
        return;
      }
      case 'hmc': {
        const pts = [s.from, ...s.path.slice(0, k)].map(o.P);
        line(pts, o.path, 1.5);
        s.path.slice(0, k).forEach((p, i) => {
          // Points whose energy error is large (a poor integration) are drawn in orange.
          const e = Math.abs(s.energyError[i] ?? Infinity);
          dot(o.P(p), e > 1 ? o.reject : o.path, 2.5);
        });
        if (k >= s.path.length) dot(o.P(s.to), s.accepted ? o.accept : o.reject, 5);
        return;
      }
      case 'nuts': {
        let left = k;
        s.doublings.forEach((d, j) => {
          if (left <= 0) return;
          const shown = d.path.slice(0, left);
          left -= d.path.length;
          const col = j % 2 ? o.path : o.accept;
          dot(o.P(shown[0]), col, 2.5);
          line(shown.map(o.P), col, 1.5);
          shown.forEach((p, i) => {
            const e = Math.abs(d.energyError[i] ?? Infinity);
            if (e > 1) dot(o.P(p), o.reject, 3);
          });
        });
        if (left >= 0) dot(o.P(s.to), o.fg, 5);
        return;
      }
    }
  }
}

/** The trace's contour lines at the levels enclosing CONTOUR_MASS; none for a 1-D trace. */
function contoursOf(tr: StepTrace): Segment[][] {
  const grid = tr.dims === 2 ? tr.density2d : undefined;
  return grid ? massContours(grid) : [];
}

/** Said under a 2-D plot whose range is too far from square to draw at equal scales. */
function scalesNote(tr: StepTrace): string {
  if (tr.dims !== 2 || !tr.rangeY) return '';
  return scalesEqual(tr.range, tr.rangeY) ? '' : ` ${UNEQUAL_SCALES_NOTE}`;
}
