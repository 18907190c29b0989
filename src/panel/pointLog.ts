// Every loss point of each training run, kept as the lines of its CSV in a file per run under the
// run store's folder. The run record (runs.json, sent to every page) keeps a capped curve for
// drawing; this log is read only when the user exports the run, so a run of any length costs the
// host a buffered append per batch and the pages nothing. No vscode import: unit-tested in Node.
import { createHash } from 'node:crypto';
import {
  appendFile,
  mkdir,
  open,
  readdir,
  stat,
  unlink,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_CSV_HEADER } from './runCsv';

/** Lines wait this long, or until this many bytes are waiting, before they are appended. */
const FLUSH_MS = 500;
const FLUSH_BYTES = 256 * 1024;
/**
 * A log no stored run names is deleted when the store loads, once this old: global storage is
 * shared by every window, and another window's live run may not be in this window's runs.json yet.
 */
const ORPHAN_AGE_MS = 24 * 3600 * 1000;

const HEADER = Buffer.from(RUN_CSV_HEADER, 'utf8');
const SUFFIX = '.points.csv';

export class PointLog {
  /** Runs recorded in this session and still going: their lines not yet written. */
  private readonly waiting = new Map<string, string[]>();
  /** Runs whose log failed to write: not complete, so never read back as if it were. */
  private readonly broken = new Set<string>();
  private waitingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Every file operation, in order (a run's truncation, appends, deletion never overtake). */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  /** The file of a run: run ids come from event files too, so the name is a hash of the id. */
  private fileOf(runId: string): string {
    const hash = createHash('sha256').update(runId).digest('hex').slice(0, 32);
    return join(this.dir, `${hash}${SUFFIX}`);
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    this.chain = this.chain
      .then(op)
      .catch((e: unknown) => this.onError(`point log: ${(e as Error).message}`));
    return this.chain;
  }

  /**
   * A write to a run's log. One that fails removes the log, so that an export (now or after a
   * reload) says it has only the stored points rather than writing fewer as if they were all.
   */
  private writeTo(runId: string, op: (file: string) => Promise<void>): void {
    const file = this.fileOf(runId);
    void this.enqueue(async () => {
      if (this.broken.has(runId)) return;
      try {
        await op(file);
      } catch (e) {
        this.broken.add(runId);
        this.waiting.delete(runId);
        await unlink(file).catch(() => undefined);
        this.onError(`could not keep every point of run ${runId}: ${(e as Error).message}`);
      }
    });
  }

  /** A run starts (or starts again under the same id): its log starts with the header alone. */
  start(runId: string): void {
    this.waiting.set(runId, []);
    this.broken.delete(runId);
    this.writeTo(runId, async (file) => {
      await mkdir(this.dir, { recursive: true });
      await writeFile(file, HEADER);
    });
  }

  /** One line of a run this log is recording; lines of any other run are not kept. */
  append(runId: string, line: string): void {
    const lines = this.waiting.get(runId);
    if (!lines) return;
    lines.push(line);
    this.waitingBytes += line.length;
    if (this.waitingBytes >= FLUSH_BYTES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** The run ended: its lines are written and nothing more is added to it. */
  finish(runId: string): void {
    void this.flush();
    this.waiting.delete(runId);
  }

  /** Writes every waiting line; resolves when all earlier operations are done. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.waitingBytes = 0;
    for (const [runId, lines] of this.waiting) {
      if (!lines.length) continue;
      const text = lines.join('');
      lines.length = 0;
      this.writeTo(runId, (file) => appendFile(file, text, 'utf8'));
    }
    return this.enqueue(() => Promise.resolve());
  }

  /**
   * A run's log (its header and every loss line) followed by `tail`, in one buffer the file is read
   * straight into (a run of a million points is about 58 MB: no copy of it is made on the host's
   * thread). Undefined when there is no log to trust: not recorded with one, failed to write, or
   * not begun by the header this version writes.
   */
  async read(runId: string, tail: Uint8Array): Promise<Buffer | undefined> {
    void this.flush();
    let out: Buffer | undefined;
    const file = this.fileOf(runId);
    // In the chain, so no append is half-written while the file is read.
    await this.enqueue(async () => {
      if (this.broken.has(runId)) return;
      let fh: FileHandle;
      try {
        fh = await open(file, 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        return;
      }
      try {
        const size = (await fh.stat()).size;
        const buf = Buffer.allocUnsafe(size + tail.length);
        let at = 0;
        while (at < size) {
          const { bytesRead } = await fh.read(buf, at, size - at, at);
          if (bytesRead === 0) break;
          at += bytesRead;
        }
        buf.set(tail, at);
        const bytes = buf.subarray(0, at + tail.length);
        if (bytes.subarray(0, HEADER.length).equals(HEADER)) out = bytes;
      } finally {
        await fh.close();
      }
    });
    return out;
  }

  /** Runs no longer stored: their logs are deleted. */
  forget(runIds: readonly string[]): void {
    for (const runId of runIds) {
      this.waiting.delete(runId);
      this.broken.delete(runId);
      const file = this.fileOf(runId);
      void this.enqueue(() => unlink(file).catch(() => undefined));
    }
  }

  /** Deletes day-old logs of runs not in `runIds` (a crash or another window left them). */
  prune(runIds: readonly string[], now = Date.now()): Promise<void> {
    const keep = new Set(runIds.map((id) => this.fileOf(id)));
    return this.enqueue(async () => {
      let names: string[];
      try {
        names = await readdir(this.dir);
      } catch {
        return;
      }
      for (const name of names) {
        const file = join(this.dir, name);
        if (!name.endsWith(SUFFIX) || keep.has(file)) continue;
        try {
          if (now - (await stat(file)).mtimeMs > ORPHAN_AGE_MS) await unlink(file);
        } catch {
          // Gone already, or another window's: left alone.
        }
      }
    });
  }
}
