// The interpreter selected in the Python extension (ms-python.python), read through its public
// environments API: `environments.getActiveEnvironmentPath(resource)` names the selection, and
// `environments.resolveEnvironment(...)` gives its executable (the path may name a folder, e.g. a conda
// environment). The exports arrive untyped from another extension, so every step is checked and
// anything unexpected means "no selection" (the caller falls back to python3), never a guess.

/** What `exports` needs to offer; checked at run time, never trusted. */
interface EnvironmentsApi {
  getActiveEnvironmentPath(resource?: unknown): unknown;
  resolveEnvironment(env: unknown): Promise<unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function environmentsOf(exports: unknown): EnvironmentsApi | null {
  if (!isObject(exports)) return null;
  const envs = exports.environments;
  if (
    !isObject(envs) ||
    typeof envs.getActiveEnvironmentPath !== 'function' ||
    typeof envs.resolveEnvironment !== 'function'
  )
    return null;
  return envs as unknown as EnvironmentsApi;
}

/** A Uri's file path: `fsPath` on a vscode.Uri. */
function fsPathOf(uri: unknown): string | null {
  return isObject(uri) && typeof uri.fsPath === 'string' && uri.fsPath !== '' ? uri.fsPath : null;
}

/**
 * The selected interpreter's executable for `resource` (the model file's Uri), or null when the
 * extension offers no environments API, nothing is selected, or the selection does not resolve to an
 * executable. `exports` may be the activation's promise. The whole lookup is bounded by `timeoutMs`:
 * a Python extension still starting must not hold up Train.
 */
export async function selectedInterpreter(
  exports: unknown,
  resource?: unknown,
  timeoutMs = 5000,
): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((r) => (timer = setTimeout(() => r(null), timeoutMs)));
  const lookup = async (): Promise<string | null> => {
    const envs = environmentsOf(await exports);
    if (!envs) return null;
    const active: unknown = envs.getActiveEnvironmentPath(resource);
    if (!isObject(active) || typeof active.path !== 'string' || active.path === '') return null;
    const resolved = await envs.resolveEnvironment(active);
    if (!isObject(resolved) || !isObject(resolved.executable)) return null;
    return fsPathOf(resolved.executable.uri);
  };
  try {
    return await Promise.race([lookup(), timeout]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
