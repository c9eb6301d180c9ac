// The access log writer: compiled fields, JSON lines buffered in memory and written in batches (when 64 KiB are
// pending, or at the latest `flushIntervalMs` after the first pending line), to stdout, stderr or a file.
import { createWriteStream } from 'node:fs';
import type { AccessLogConfig, LogRecord } from '../config/types.js';
import { compileAccessLog } from './access-log-format.js';

/** Anything with a Node-style write (a stream, or a test double). */
export interface LogSink {
  write(chunk: string): unknown;
  end?(callback?: () => void): unknown;
}

export interface AccessLogOptions {
  /** Default 100 ms. */
  flushIntervalMs?: number;
  /** Default 64 KiB. */
  maxBufferBytes?: number;
  /** Overrides the sink chosen by `config.path` (for tests). */
  sink?: LogSink;
}

function openSink(path: string): LogSink {
  if (path === 'stdout') return process.stdout;
  if (path === 'stderr') return process.stderr;
  return createWriteStream(path, { flags: 'a' });
}

export class AccessLog {
  readonly format: (r: LogRecord) => string;
  private readonly sink: LogSink;
  private readonly ownsSink: boolean;
  private readonly flushIntervalMs: number;
  private readonly maxBufferBytes: number;
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(config: AccessLogConfig, options: AccessLogOptions = {}) {
    this.format = compileAccessLog(config.fields);
    this.sink = options.sink ?? openSink(config.path);
    this.ownsSink = options.sink === undefined && config.path !== 'stdout' && config.path !== 'stderr';
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.maxBufferBytes = options.maxBufferBytes ?? 65_536;
  }

  log(record: LogRecord): void {
    if (this.closed) return;
    this.pending += this.format(record);
    if (this.pending.length >= this.maxBufferBytes) this.flush();
    else if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
      this.timer.unref?.();
    }
  }

  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    this.sink.write(chunk);
  }

  /** Flushes and, for files, closes the stream. */
  close(): Promise<void> {
    this.flush();
    this.closed = true;
    if (!this.ownsSink || this.sink.end === undefined) return Promise.resolve();
    return new Promise((resolve) => this.sink.end!(() => resolve()));
  }
}
