// Cleartext ports serve HTTP/2 with prior knowledge and HTTP/1.1 on the same socket: the first bytes decide
// (RFC 9113 §3.3: an h2c client starts with the 24-byte connection preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").
import type * as net from 'node:net';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** 'h2' once all 24 preface bytes matched, 'h1' at the first byte that differs, '' while undecided. */
export function classify(bytes: Uint8Array): 'h2' | 'h1' | '' {
  const n = Math.min(bytes.length, PREFACE.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== PREFACE[i]) return 'h1';
  return bytes.length >= PREFACE.length ? 'h2' : '';
}

/**
 * Reads until the protocol is known, then calls `decided` with the bytes read so far (to be replayed). Sockets that
 * say nothing for `timeoutMs` are closed.
 */
export function sniff(socket: net.Socket, timeoutMs: number, decided: (kind: 'h2' | 'h1', head: Buffer) => void): void {
  let buffered: Buffer | null = null;
  const onData = (chunk: Buffer) => {
    const bytes: Buffer = buffered === null ? chunk : Buffer.concat([buffered, chunk]);
    const kind = classify(bytes);
    if (kind === '') {
      buffered = bytes;
      return;
    }
    socket.removeListener('data', onData);
    socket.setTimeout(0);
    socket.removeListener('timeout', onTimeout);
    decided(kind, bytes);
  };
  const onTimeout = () => socket.destroy();
  socket.on('data', onData);
  if (timeoutMs > 0) {
    socket.setTimeout(timeoutMs);
    socket.on('timeout', onTimeout);
  }
}
