// Tells HTTP/2 prior knowledge from HTTP/1.1 on a cleartext connection by its first bytes (RFC 9113 §3.4): the
// client preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" can never start an HTTP/1.1 request, so the first byte that
// differs from it decides.
import type { Socket } from 'node:net';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export type SniffResult = 'h2' | 'http/1.1' | 'closed';

/**
 * Reads from `socket` until the bytes read either are the whole preface ('h2') or stop matching it ('http/1.1'),
 * then calls `done` with what was read. The socket is left flowing for 'h2', paused for 'http/1.1'.
 */
export function sniffProtocol(socket: Socket, timeoutMs: number, done: (result: SniffResult, head: Buffer) => void): void {
  let head: Buffer = EMPTY;
  let timer: NodeJS.Timeout | null = null;
  const finish = (result: SniffResult) => {
    socket.removeListener('data', onData);
    socket.removeListener('end', onEnd);
    socket.removeListener('close', onEnd);
    socket.removeListener('error', onError);
    if (timer !== null) clearTimeout(timer);
    if (result === 'http/1.1') socket.pause();
    done(result, head);
  };
  const onData = (chunk: Buffer) => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    const n = Math.min(head.length, PREFACE.length);
    for (let i = 0; i < n; i++) {
      if (head[i] !== PREFACE[i]) return finish('http/1.1');
    }
    if (head.length >= PREFACE.length) finish('h2');
  };
  const onEnd = () => finish('closed');
  const onError = () => {
    finish('closed');
    socket.destroy();
  };
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('end', onEnd);
  socket.on('close', onEnd);
  if (timeoutMs > 0) {
    timer = setTimeout(() => {
      finish('closed');
      socket.destroy();
    }, timeoutMs);
    timer.unref();
  }
}

const EMPTY = Buffer.alloc(0);
