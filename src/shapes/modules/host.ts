// What the shape engine asks of the outside world to follow imports: the text of a file and whether a
// path is a file or a folder. The engine never touches a file system itself, so the editor, the CLI,
// the worker and the tests each give it their own host (an in-memory one in tests).

export type PathKind = 'file' | 'dir';

export interface ModuleHost {
  /**
   * Folders the workspace's own imports are searched in, in order: the workspace folders (or the
   * CLI's --root), and a `src/` folder in each when it exists. The folder above the analysed file's
   * outermost package and the file's own folder are added after them, as Python puts a script's
   * folder on sys.path.
   */
  readonly roots: readonly string[];
  /**
   * The Python's site folders (site-packages, dist-packages), where installed libraries are read, or
   * why there are none (no Python known). Asked only when an import is not found in the workspace.
   */
  library(): { roots: readonly string[]; error?: string };
  /** 'file', 'dir', or undefined when the path does not exist. */
  kind(path: string): PathKind | undefined;
  /** The file's text, or why it cannot be read (one line). */
  read(path: string): { text: string } | { error: string };
}

/** Paths with forward slashes and no trailing slash, so that joining and prefix tests are plain string work. */
export function normPath(p: string): string {
  const s = p.replace(/\\/g, '/');
  return s.length > 1 && s.endsWith('/') ? s.replace(/\/+$/, '') : s;
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export function dirName(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : i === 0 ? '/' : p.slice(0, i);
}
