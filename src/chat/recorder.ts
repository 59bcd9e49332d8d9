/**
 * Recording a session so that nothing committed is lost. The file appears with the first message
 * and is saved atomically after every turn and every few seconds while a reply streams, so a
 * SIGKILL loses at most those seconds and the last save is always a whole file. SIGTERM, SIGHUP
 * and an uncaught exception save synchronously (an async write would never finish) and exit.
 * The session's lock is held from the first save to the end.
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { fsUserError } from '../errors.js';
import { DIR_MODE, FILE_MODE, tempNameFor } from '../session/atomic-write.js';
import { acquireSessionLock, lockPathFor, type ReleaseLock } from '../session/lock.js';
import { sessionIdFor } from '../session/paths.js';
import type { Message, SessionStatus } from '../session/schema.js';
import { saveSessionFile, serializeSession } from '../session/store.js';
import { now } from '../test-hooks.js';
import { addUsage, type Usage } from './usage.js';

export const DEFAULT_AUTOSAVE_SECONDS = 5;

/** The session as the runtime holds it: the file's JSON, unknown fields of a resumed file kept. */
export interface SessionData extends Record<string, unknown> {
  sessionId: string;
  startTime: string;
  endTime?: string;
  model: string;
  messages: Message[];
  tokenUsage: Usage;
  metadata: { workingDirectory: string; nodeVersion: string; grokVersion: string } & Record<
    string,
    unknown
  >;
  name?: string;
  tags?: string[];
  status?: SessionStatus;
}

const SIGNALS = { SIGTERM: 15, SIGHUP: 1 } as const;

export class SessionRecorder {
  readonly data: SessionData;
  /** The sessions directory the session is saved in. */
  readonly dir: string;
  private filePath: string | undefined;
  private release: ReleaseLock | undefined;
  private saving: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly handlers: { event: string; fn: (...args: never[]) => void }[] = [];

  private constructor(dir: string, data: SessionData, path: string | undefined) {
    this.dir = dir;
    this.data = data;
    this.filePath = path;
  }

  /** A new session: no file until the first message. */
  static fresh(dir: string, data: SessionData): SessionRecorder {
    return new SessionRecorder(dir, data, undefined);
  }

  /** An existing file, resumed: its lock is taken now (a live holder is a one-line error). */
  static async resume(path: string, data: SessionData): Promise<SessionRecorder> {
    const rec = new SessionRecorder(join(path, '..'), data, path);
    rec.release = await acquireSessionLock(path).catch((error: unknown) => {
      throw fsUserError('lock the session', rec.dir, error);
    });
    return rec;
  }

  get path(): string | undefined {
    return this.filePath;
  }

  get file(): string | undefined {
    return this.filePath ? basename(this.filePath) : undefined;
  }

  /** Picks a free file name for a new session and takes its lock. */
  private async create(): Promise<void> {
    const start = new Date(this.data.startTime);
    for (let n = 1; ; n++) {
      const id = sessionIdFor(start, n);
      const path = join(this.dir, `${id}.json`);
      if (existsSync(path) || existsSync(lockPathFor(path))) continue;
      try {
        mkdirSync(this.dir, { recursive: true, mode: DIR_MODE });
        this.release = await acquireSessionLock(path);
      } catch (error) {
        throw fsUserError('save the session', this.dir, error);
      }
      if (existsSync(path)) {
        await this.release();
        continue;
      }
      this.data.sessionId = id;
      this.filePath = path;
      return;
    }
  }

  addMessage(message: Message): Message {
    this.data.messages.push(message);
    return message;
  }

  addUsage(usage: Usage): void {
    addUsage(this.data.tokenUsage, usage);
  }

  /** Saves now (after any save in flight). The first call creates the file. */
  save(): Promise<void> {
    const next = this.saving.then(async () => {
      if (this.closed) return;
      if (!this.filePath) await this.create();
      this.data.endTime = now().toISOString();
      await saveSessionFile(this.filePath as string, this.data);
    });
    // A failed save is reported by its caller; the next one still runs.
    this.saving = next.catch(() => {});
    return next;
  }

  /** Saves every `seconds` until stopped; failures wait for the next tick. */
  startAutosave(seconds: number, onError?: (error: unknown) => void): void {
    this.stopAutosave();
    this.timer = setInterval(() => {
      if (this.filePath) this.save().catch((error) => onError?.(error));
    }, seconds * 1000);
    this.timer.unref();
  }

  stopAutosave(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The synchronous save for a dying process: temp file, fsync, rename, 0600. */
  saveSync(status: SessionStatus): void {
    if (!this.filePath || this.closed) return;
    this.data.status = status;
    this.data.endTime = now().toISOString();
    const tmp = tempNameFor(this.filePath);
    const fd = openSync(tmp, 'wx', FILE_MODE);
    try {
      writeSync(fd, serializeSession(this.data));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, FILE_MODE);
    renameSync(tmp, this.filePath);
  }

  private releaseSync(): void {
    // Only the lock this process took: never a successor's.
    this.release?.sync();
    this.release = undefined;
  }

  /**
   * SIGTERM, SIGHUP, an uncaught exception or unhandled rejection: save what there is, marked
   * interrupted, release the lock and exit. A signal prints one line naming the saved file;
   * `report` prints the error of a crash.
   */
  installEmergencyHandlers(report: (error: unknown) => void): void {
    const die = (code: number, signal?: string) => {
      let saved = false;
      try {
        this.saveSync('interrupted');
        saved = this.filePath !== undefined;
      } catch {
        // The last autosave stays: a valid file, a few seconds older.
      }
      if (signal && this.filePath) {
        const what = saved
          ? `the session was saved to ${this.filePath} as interrupted`
          : `the session could not be saved; ${this.filePath} keeps its last autosave`;
        // Synchronous: the process exits next, and the terminal may be mid-line at the prompt.
        try {
          writeSync(2, `\ngrok: ${signal}: ${what}\n`);
        } catch {
          // stderr is gone with the terminal (SIGHUP): the file is what matters.
        }
      }
      this.releaseSync();
      this.closed = true;
      process.exit(code);
    };
    for (const [signal, n] of Object.entries(SIGNALS)) {
      this.on(signal, () => die(128 + n, signal));
    }
    this.on('uncaughtException', (error: unknown) => {
      report(error);
      die(1);
    });
    this.on('unhandledRejection', (error: unknown) => {
      report(error);
      die(1);
    });
  }

  private on(event: string, fn: (...args: never[]) => void): void {
    process.on(event as NodeJS.Signals, fn as () => void);
    this.handlers.push({ event, fn });
  }

  private removeHandlers(): void {
    for (const { event, fn } of this.handlers)
      process.off(event as NodeJS.Signals, fn as () => void);
    this.handlers.length = 0;
  }

  /** The final save with `status`, then the lock is released. Nothing is written for a session never saved. */
  async close(status: SessionStatus): Promise<void> {
    this.stopAutosave();
    try {
      if (this.filePath) {
        this.data.status = status;
        await this.save();
      }
    } finally {
      this.closed = true;
      this.removeHandlers();
      await this.release?.();
      this.release = undefined;
    }
  }
}
