// Picks and loads the tfjs backend. Everything is required lazily inside functions: the extension host
// imports nothing from here at activation, and the worker pays for tfjs only when a run starts.
// `auto`: @tensorflow/tfjs-node when it loads (from node_modules or from a folder the user names), else
// wasm (ships with the extension), else plain-JS cpu. The training code uses the `tf` namespace this
// returns, because tfjs-node loaded from another folder brings its own tfjs-core instance.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BackendName } from './types';
import { registerWasmGradKernels } from './wasmKernels';

export type Tf = typeof import('@tensorflow/tfjs-core');
export type ResolvedBackend = 'tensorflow' | 'wasm' | 'cpu';

export interface LoadedBackend {
  tf: Tf;
  backend: ResolvedBackend;
  /** What a run shows: "wasm (tfjs 4.22.0, SIMD)". */
  description: string;
  /** The part in parentheses: "tfjs 4.22.0, SIMD". */
  detail: string;
  /** Why `auto` skipped a backend, for the log. */
  notes: string[];
  /** wasm only: the folder its .wasm files came from (gradient sub-workers load the same ones). */
  wasmDir?: string;
}

export interface BackendOptions {
  /** A folder holding a @tensorflow/tfjs-node install (a global npm prefix, a project, or the package). */
  tfjsNodePath?: string;
  /** Folder with tfjs-backend-wasm's .wasm files; default: next to the bundle, else node_modules. */
  wasmDir?: string;
  log?(msg: string): void;
}

/** A backend that was asked for by name and cannot load: one line saying why and what to do. */
export class BackendError extends Error {}

let nodeTf: Tf | null = null;
let coreTf: Tf | null = null;
let wasmDirUsed: string | undefined;

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Our own tfjs with the cpu backend and all gradients registered (bundled; never tfjs-node's copy). */
function loadCore(): Tf {
  if (coreTf) return coreTf;
  // The umbrella package, not tfjs-core alone: only it registers the gradient functions (Sum, Relu, …)
  // next to the cpu backend, and its node entry shares one tfjs-core with tfjs-backend-wasm.
  const tf = require('@tensorflow/tfjs') as Tf;
  // PROD silences the "install tfjs-node" banner and debug checks; errors still throw.
  tf.env().set('PROD', true);
  coreTf = tf;
  return tf;
}

function loadTfjsNode(path: string | undefined): Tf {
  if (nodeTf) return nodeTf;
  let tf: Tf;
  if (path && path.trim() !== '') {
    const p = path.trim();
    // Accept the package folder itself, a node_modules folder, a project, or a global npm prefix.
    const roots = [p, join(p, 'node_modules'), join(p, 'lib', 'node_modules')];
    let resolved: string | undefined;
    for (const r of roots) {
      if (existsSync(join(r, 'package.json')) && /tfjs-node$/.test(r.replace(/[\\/]+$/, ''))) {
        resolved = r;
        break;
      }
      if (existsSync(join(r, '@tensorflow', 'tfjs-node'))) {
        resolved = join(r, '@tensorflow', 'tfjs-node');
        break;
      }
    }
    if (!resolved)
      throw new Error(
        `no @tensorflow/tfjs-node under ${p} (looked in it, node_modules and lib/node_modules)`,
      );
    tf = require(resolved) as Tf;
  } else {
    tf = require('@tensorflow/tfjs-node') as Tf;
  }
  tf.env().set('PROD', true);
  nodeTf = tf;
  return tf;
}

function defaultWasmDir(): string {
  // In dist/ the bundle sits next to the .wasm files esbuild.mjs copied there.
  if (readdirSafe(__dirname).some((f) => f.endsWith('.wasm'))) return __dirname;
  // From sources (tests, tsx): the package in node_modules. A variable, so bundlers leave it alone.
  const pkg = '@tensorflow/tfjs-backend-wasm/package.json';
  return join(createRequire(__filename).resolve(pkg), '..', 'dist');
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function useWasm(opts: BackendOptions): Promise<Tf> {
  const tf = loadCore();
  const wasm =
    require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  if (!tf.findBackend('wasm') || tf.getBackend() !== 'wasm') {
    const dir = opts.wasmDir ?? defaultWasmDir();
    wasm.setWasmPaths(dir.endsWith('/') || dir.endsWith('\\') ? dir : dir + '/');
    // Emscripten's loader adds process-wide uncaughtException/unhandledRejection handlers that rethrow
    // (dumping the whole minified module on any later error, even an EPIPE). The host process owns
    // those events, so take the handlers back off.
    const before = {
      ex: process.listeners('uncaughtException'),
      rej: process.listeners('unhandledRejection'),
    };
    const ok = await tf.setBackend('wasm');
    for (const l of process.listeners('uncaughtException'))
      if (!before.ex.includes(l)) process.removeListener('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection'))
      if (!before.rej.includes(l)) process.removeListener('unhandledRejection', l);
    if (!ok)
      throw new Error(`the wasm backend did not initialise (looked for .wasm files in ${dir})`);
    wasmDirUsed = dir;
  }
  await tf.ready();
  registerWasmGradKernels(tf);
  return tf;
}

async function useCpu(): Promise<Tf> {
  const tf = loadCore();
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
  await tf.ready();
  return tf;
}

/** Loads and activates a backend; `auto` falls through tensorflow → wasm → cpu, noting why. */
export async function loadBackend(
  requested: BackendName,
  opts: BackendOptions = {},
): Promise<LoadedBackend> {
  const notes: string[] = [];
  const order: ResolvedBackend[] =
    requested === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [requested];
  for (const b of order) {
    try {
      let tf: Tf;
      if (b === 'tensorflow') {
        tf = loadTfjsNode(opts.tfjsNodePath);
        if (!(await tf.setBackend('tensorflow')))
          throw new Error('tfjs-node loaded but its backend did not initialise');
        await tf.ready();
      } else if (b === 'wasm') {
        tf = await useWasm(opts);
      } else {
        tf = await useCpu();
      }
      const simd =
        b === 'wasm' ? (tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? ', SIMD' : ', no SIMD') : '';
      const detail = `tfjs ${tf.version_core}${simd}`;
      const description = `${b} (${detail})`;
      opts.log?.(`backend: ${description}${notes.length ? ` — ${notes.join('; ')}` : ''}`);
      return {
        tf,
        backend: b,
        description,
        detail,
        notes,
        ...(b === 'wasm' ? { wasmDir: wasmDirUsed } : {}),
      };
    } catch (e) {
      const why = message(e);
      if (requested !== 'auto') {
        const fix =
          b === 'tensorflow'
            ? 'install it (npm i @tensorflow/tfjs-node) or point tensorLens.tfjsNodePath at a folder that has it, or use --backend auto|wasm|cpu'
            : 'use --backend auto or cpu';
        throw new BackendError(`backend ${b} cannot load: ${why}; ${fix}`);
      }
      notes.push(`${b} skipped: ${why}`);
    }
  }
  throw new BackendError(`no tfjs backend could load (${notes.join('; ')})`);
}
