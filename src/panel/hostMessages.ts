// The small pure helpers the panel host needs: data-folder detection and save-file decoding (the
// webview's messages themselves are checked by src/common/guards.ts). No vscode import, unit-tested.
import { basename, join } from 'node:path';
import type { SaveMime } from '../common/messages';

/** Where torchvision puts MNIST and Fashion-MNIST under a project's root. */
export const DATA_CANDIDATES = [join('data', 'MNIST', 'raw'), join('data', 'FashionMNIST', 'raw')];

/** The configured data folder, else the first data/MNIST/raw or data/FashionMNIST/raw in the workspace, else '' (embedded subset). */
export function resolveDataPath(
  configured: string,
  workspaceFolders: readonly string[],
  isDir: (p: string) => boolean,
): string {
  if (configured.trim()) return configured.trim();
  for (const root of workspaceFolders) {
    for (const c of DATA_CANDIDATES) {
      const p = join(root, c);
      if (isDir(p)) return p;
    }
  }
  return '';
}

/** The bytes of a saveFile message, or an error text when the payload is not what its mime says. */
export function decodeSaveFile(mime: SaveMime, data: string): Uint8Array | string {
  if (mime === 'text/csv') return new TextEncoder().encode(data);
  if (mime === 'image/svg+xml') {
    // The page writes the SVG from chart data; a file that could run script when opened in a
    // browser is refused, whoever made it.
    if (!/^<svg[\s>]/.test(data)) return 'the chart image is not an SVG document';
    if (/<script|<foreignObject|\son[a-z]+\s*=|javascript:/i.test(data))
      return 'the chart image holds script; it was not saved';
    return new TextEncoder().encode(data);
  }
  const prefix = 'data:image/png;base64,';
  if (!data.startsWith(prefix)) return 'the chart image is not a PNG data URL';
  const bytes = Buffer.from(data.slice(prefix.length), 'base64');
  // PNG signature: 89 50 4E 47 0D 0A 1A 0A.
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || sig.some((b, i) => bytes[i] !== b))
    return 'the chart image is not a valid PNG';
  return new Uint8Array(bytes);
}

/** A plain file name from the webview's suggestion (never a path). */
export function safeSaveName(name: string, mime: SaveMime): string {
  const ext = mime === 'text/csv' ? '.csv' : mime === 'image/png' ? '.png' : '.svg';
  let n = basename(name.replace(/\\/g, '/'))
    .replace(/[^A-Za-z0-9._ -]+/g, '_')
    .slice(0, 100);
  if (!n || n.startsWith('.')) n = `tensor-lens${n}`;
  return n.toLowerCase().endsWith(ext) ? n : `${n}${ext}`;
}
