// What every tab's view gets from main.ts: the model, the remembered UI state and the way out.
import type { SaveMime, WebviewToHost } from '../src/common/messages';
import type { UiState } from './api';
import type { PanelModel } from './store';

export interface ViewContext {
  model: PanelModel;
  ui: UiState;
  /** Persist `ui` (getState/setState). */
  saveUi(): void;
  post(msg: WebviewToHost): void;
  /** Ask the host to save a file (the webview cannot write files itself). */
  saveFile(name: string, mime: SaveMime, data: string): void;
  /** Ask for a redraw of these parts on the next animation frame. */
  invalidate(
    ...parts: ('training' | 'runs' | 'eval' | 'sampling' | 'summary' | 'form' | 'playground')[]
  ): void;
}
