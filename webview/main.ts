// Entry point of dist/webview.js. Builds the three tabs, validates every message from the host,
// folds it into the model and redraws the touched parts at most once per animation frame, so a
// 60,000-image epoch (about 940 batch events) or a long sampling run never redraws per message.
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import type { VscodeTabs } from '@vscode-elements/elements/dist/vscode-tabs/vscode-tabs.js';
import { loadState, post, saveState, type UiState } from './api';
import { applyTheme } from './charts';
import type { ViewContext } from './context';
import { h } from './dom';
import { PlaygroundView } from './playground';
import { SamplingView } from './samplingView';
import { ScalarsView } from './scalarsView';
import { applyMessage, emptyModel, type Part, type Tab } from './store';
import { SummaryView } from './summaryView';
import { TrainingView } from './trainingView';
import { isHostToWebview, salvageInit } from '../src/common/guards';
import { SETTING_DEFAULTS } from '../src/common/settings';
import { emptyTuningText } from './tuningForm';

const TABS: Tab[] = ['training', 'sampling', 'summary'];

function defaultUi(): UiState {
  return {
    tab: 'training',
    expr: '',
    logDensity: false,
    sampler: SETTING_DEFAULTS['sampling.sampler'],
    n: String(SETTING_DEFAULTS['sampling.draws']),
    chains: String(SETTING_DEFAULTS['sampling.chains']),
    seed: String(SETTING_DEFAULTS.seed),
    range: '',
    selected: [],
    smoothing: 0.6,
    epochs: String(SETTING_DEFAULTS['training.epochs']),
    limit: String(SETTING_DEFAULTS['training.limit']),
    xAxis: 'samples',
    logY: false,
    tuning: emptyTuningText(),
    warmup: '',
  };
}

function main(): void {
  applyTheme();
  const saved = loadState();
  const ui: UiState = { ...defaultUi(), ...saved };
  const model = emptyModel();
  for (const id of ui.selected) model.selected.add(id);

  const dirty = new Set<Part>();
  let frame = 0;
  const flush = (): void => {
    frame = 0;
    const parts = new Set(dirty);
    dirty.clear();
    try {
      if (parts.has('tab') && model.requestedTab) {
        selectTab(model.requestedTab);
        model.requestedTab = null;
      }
      training.render(parts);
      sampling.render(parts);
      summary.render(parts);
      playground.render(parts);
      scalars.render(parts);
    } catch (e) {
      // One bad render must not stop later messages from being drawn.
      console.error('Tensor Lens panel: render failed', e);
    }
  };
  const schedule = (): void => {
    // requestAnimationFrame does not fire in a hidden page; nothing is visible then anyway, and
    // the first frame after showing draws everything that arrived meanwhile.
    if (!frame) frame = requestAnimationFrame(flush);
  };

  const ctx: ViewContext = {
    model,
    ui,
    saveUi: () => saveState(ui),
    post,
    saveFile: (name, mime, data) => post({ type: 'saveFile', name, mime, data }),
    invalidate: (...parts) => {
      for (const p of parts) dirty.add(p);
      schedule();
    },
  };

  const panels = TABS.map((t) => h('vscode-tab-panel', { 'data-tab': t }));
  const tabs = h(
    'vscode-tabs',
    { 'selected-index': Math.max(0, TABS.indexOf(ui.tab)) },
    h('vscode-tab-header', { slot: 'header' }, 'Training'),
    panels[0],
    h('vscode-tab-header', { slot: 'header' }, 'Sampling'),
    panels[1],
    h('vscode-tab-header', { slot: 'header' }, 'Summary'),
    panels[2],
  ) as VscodeTabs;
  const app = document.getElementById('app') ?? document.body;
  app.append(tabs);
  tabs.addEventListener('vsc-tabs-select', (ev: Event) => {
    const i =
      (ev as CustomEvent<{ selectedIndex: number }>).detail?.selectedIndex ?? tabs.selectedIndex;
    ui.tab = TABS[i] ?? 'training';
    saveState(ui);
  });
  const selectTab = (t: Tab): void => {
    tabs.selectedIndex = TABS.indexOf(t);
    ui.tab = t;
    saveState(ui);
  };

  const training = new TrainingView(panels[0], ctx);
  const sampling = new SamplingView(panels[1], ctx);
  const summary = new SummaryView(panels[2], ctx);
  const playground = new PlaygroundView(panels[1], ctx);
  const scalars = new ScalarsView(panels[0], ctx);
  for (const p of ['training', 'runs', 'sampling', 'summary', 'form'] as Part[]) dirty.add(p);
  schedule();

  window.addEventListener('message', (ev: MessageEvent<unknown>) => {
    let msg = ev.data;
    if (!isHostToWebview(msg)) {
      const salvaged = salvageInit(msg);
      if (salvaged) {
        console.warn(
          `Tensor Lens panel: dropped ${salvaged.dropped} malformed stored run(s) or result(s)`,
        );
        msg = salvaged.msg;
      }
    }
    if (!isHostToWebview(msg)) {
      const type =
        typeof msg === 'object' && msg !== null && 'type' in msg
          ? String((msg as { type: unknown }).type)
          : typeof msg;
      console.warn(`Tensor Lens panel: dropped an invalid message (${type})`);
      return;
    }
    const firstInit = msg.type === 'init' && !model.initialised;
    for (const p of applyMessage(model, msg, Date.now())) dirty.add(p);
    if (msg.type === 'init') {
      // Settings give the form its first values; after that the user's own edits win.
      if (firstInit && saved.expr === undefined) {
        const d = msg.defaults;
        Object.assign(ui, {
          expr: d.expr,
          sampler: d.sampler,
          n: String(d.n),
          chains: String(d.chains),
          seed: String(d.seed),
        });
        if (d.epochs !== undefined) ui.epochs = String(d.epochs);
        if (d.limit !== undefined) ui.limit = String(d.limit);
        sampling.fillForm();
        training.fillForm();
      }
      ui.selected = [...model.selected];
      saveState(ui);
    }
    if (model.selected.size !== ui.selected.length) {
      // A new run was added to the overlay (its start event): remember that choice too.
      ui.selected = [...model.selected];
      saveState(ui);
    }
    schedule();
  });

  // VS Code swaps the body class and the --vscode-* variables when the theme changes; re-read them
  // and redraw every chart with the new colours.
  new MutationObserver(() => {
    applyTheme();
    training.retheme();
    sampling.retheme();
    playground.retheme();
    scalars.retheme();
    for (const p of ['training', 'sampling'] as Part[]) dirty.add(p);
    schedule();
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  post({ type: 'ready' });
}

main();
