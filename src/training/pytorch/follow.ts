// Tails the runs under a folder: DIR/<run>/events.jsonl written by the runner's --log-dir (or any
// `tensor-lens train --json` output saved there), and TensorBoard event files anywhere below DIR.
// Each scan reads what was appended since the last one; a line or record still being written waits.
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { readRecords, type Scalar } from './tfevents';

export type FollowItem =
  | { kind: 'event'; run: string; event: Record<string, unknown> }
  | ({ kind: 'scalar'; run: string } & Scalar);

const TFEVENTS = /^events\.out\.tfevents\./;
/** Folders below DIR that are searched: a run folder, and TensorBoard's run/subrun layouts. */
const MAX_DEPTH = 4;

interface Tail {
  path: string;
  run: string;
  kind: 'jsonl' | 'tfevents';
  offset: number;
  pending: Uint8Array;
}

function readFrom(path: string, offset: number, max: number): Uint8Array {
  const size = statSync(path).size;
  if (size <= offset) return new Uint8Array(0);
  const buf = Buffer.alloc(Math.min(size - offset, max));
  const fd = openSync(path, 'r');
  try {
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

export class Follower {
  private readonly tails = new Map<string, Tail>();

  constructor(
    readonly dir: string,
    private readonly onBadLine: (msg: string) => void = () => undefined,
    /** Bytes read per file per scan: a long log is caught up over several scans, so no single scan
     * holds the extension host's thread for long. */
    private readonly maxBytesPerScan = Infinity,
  ) {}

  private discover(): void {
    const walk = (d: string, depth: number): void => {
      let names: string[];
      try {
        names = readdirSync(d);
      } catch {
        return;
      }
      for (const name of names.sort()) {
        const p = join(d, name);
        let isDir = false;
        try {
          isDir = statSync(p).isDirectory();
        } catch {
          continue;
        }
        if (isDir) {
          if (depth < MAX_DEPTH) walk(p, depth + 1);
        } else if (!this.tails.has(p) && (name === 'events.jsonl' || TFEVENTS.test(name))) {
          const run = relative(this.dir, dirname(p)) || basename(this.dir);
          this.tails.set(p, {
            path: p,
            run,
            kind: name === 'events.jsonl' ? 'jsonl' : 'tfevents',
            offset: 0,
            pending: new Uint8Array(0),
          });
        }
      }
    };
    walk(this.dir, 0);
  }

  /** Everything appended since the last scan, files in name order. */
  scan(): FollowItem[] {
    if (!existsSync(this.dir)) return [];
    this.discover();
    const out: FollowItem[] = [];
    for (const t of this.tails.values()) {
      const fresh = readFrom(t.path, t.offset, this.maxBytesPerScan);
      t.offset += fresh.length;
      const buf = t.pending.length ? Buffer.concat([t.pending, fresh]) : fresh;
      if (t.kind === 'jsonl') {
        const text = Buffer.from(buf).toString('utf8');
        const end = text.lastIndexOf('\n');
        const whole = end < 0 ? '' : text.slice(0, end);
        t.pending = Buffer.from(end < 0 ? text : text.slice(end + 1), 'utf8');
        for (const line of whole.split('\n')) {
          if (!line.trim()) continue;
          try {
            const event = JSON.parse(line) as unknown;
            if (event && typeof event === 'object' && !Array.isArray(event))
              out.push({ kind: 'event', run: t.run, event: event as Record<string, unknown> });
            else this.onBadLine(`${t.path}: a line that is not a JSON object, skipped`);
          } catch {
            this.onBadLine(`${t.path}: a line that is not JSON, skipped: ${line.slice(0, 60)}`);
          }
        }
      } else {
        const { scalars, next } = readRecords(buf, 0, t.path);
        t.pending = buf.subarray(next);
        for (const s of scalars) out.push({ kind: 'scalar', run: t.run, ...s });
      }
    }
    return out;
  }
}
