// respondWithFile / respondWithFD: stat, content-length, then the file piped into the stream.
import { createReadStream, fstat, stat, type Stats } from 'node:fs';
import { nodeError } from './errors.js';
import type { OutgoingHttpHeaders } from './headers.js';
import type { ServerHttp2Stream } from './server-stream.js';

export interface RespondWithFileOptions {
  /** Called with the file's stats; return false to respond yourself instead. */
  statCheck?: (stats: Stats, headers: OutgoingHttpHeaders, options: { offset: number; length: number }) => boolean | void;
  /** Called on a stat/read error (default: the stream is destroyed with it). */
  onError?: (error: Error) => void;
  waitForTrailers?: boolean;
  offset?: number;
  length?: number;
}

export function sendFile(stream: ServerHttp2Stream, file: string | number, headers: OutgoingHttpHeaders, options: RespondWithFileOptions): void {
  const fail = (error: Error) => {
    if (options.onError !== undefined) options.onError(error);
    else stream.destroy(error);
  };
  const onStat = (error: Error | null, stats: Stats) => {
    if (error !== null) return fail(error);
    if (stream.destroyed) return;
    if (!stats.isFile()) return fail(nodeError('ERR_HTTP2_SEND_FILE', 'Directories cannot be sent'));
    const offset = options.offset ?? 0;
    const length = Math.max(0, Math.min(options.length ?? Infinity, stats.size - offset));
    const out: OutgoingHttpHeaders = { ...headers };
    if (options.statCheck !== undefined && options.statCheck(stats, out, { offset, length }) === false) return;
    if (out['content-length'] === undefined) out['content-length'] = length;
    try {
      stream.respond(out, { waitForTrailers: options.waitForTrailers === true });
    } catch (e) {
      return fail(e as Error);
    }
    if (length === 0) {
      stream.end();
      return;
    }
    const source = typeof file === 'number'
      ? createReadStream('', { fd: file, start: offset, end: offset + length - 1, autoClose: false })
      : createReadStream(file, { start: offset, end: offset + length - 1 });
    source.on('error', fail);
    source.pipe(stream);
  };
  if (typeof file === 'number') fstat(file, onStat);
  else stat(file, onStat);
}
