// Opening sockets to backends: TCP, or TLS with ALPN and SNI.
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface UpstreamTls {
  servername: string | undefined;
  rejectUnauthorized: boolean;
  ca: string | Buffer | undefined;
}

/** Where one backend host is and how to reach it. */
export interface HostTarget {
  address: string;
  port: number;
  tls: UpstreamTls | null;
  connectTimeoutMs: number;
}

/**
 * How a cleartext socket hands its bytes to `onChunk` instead of 'data' events: 'slab' reads into this socket's own
 * large slabs (chunks stay valid for good, see slabReader); 'transient' reads into one buffer shared by every such
 * socket, so a chunk is valid only during the call (the callee copies what it keeps) — for the many connections of
 * an HTTP/1.1 pool, where a slab each would cost too much memory.
 */
export type ReadMode = 'slab' | 'transient';

/**
 * Opens a socket; with TLS, offers `alpn` (e.g. ['h2'] or ['h2', 'http/1.1']). Writes before connect are queued.
 * `onChunk` (cleartext only) receives the bytes instead of 'data' events (see ReadMode).
 */
export function connectSocket(target: HostTarget, alpn: string[], onChunk?: (chunk: Uint8Array) => void, mode: ReadMode = 'slab'): net.Socket {
  if (target.tls === null) {
    const options: net.NetConnectOpts = { host: target.address, port: target.port, noDelay: true };
    if (onChunk !== undefined) (options as net.TcpNetConnectOpts).onread = mode === 'slab' ? slabReader(onChunk) : transientReader(onChunk);
    return net.connect(options);
  }
  const servername = target.tls.servername ?? (net.isIP(target.address) === 0 ? target.address : undefined);
  const options: tls.ConnectionOptions = {
    host: target.address,
    port: target.port,
    ALPNProtocols: alpn,
    rejectUnauthorized: target.tls.rejectUnauthorized,
    minVersion: 'TLSv1.2',
  };
  if (servername !== undefined) options.servername = servername;
  if (target.tls.ca !== undefined) options.ca = target.tls.ca;
  return tls.connect(options);
}

/** Bytes one slab gives to reads before a new one is taken. */
const SLAB_BYTES = 1024 * 1024;
/** A read is offered at least this much room (node:net's own reads are 64 KiB). */
const MIN_READ_ROOM = 64 * 1024;

/**
 * Reads into the unused tail of a 1 MiB slab instead of a fresh 64 KiB buffer per read: a busy upstream connection
 * makes one read syscall per up to 1 MiB that arrived, frames rarely straddle reads, and no byte of a slab is ever
 * written twice (chunks handed out stay valid however long they are kept).
 */
export function slabReader(onChunk: (chunk: Uint8Array) => void): net.OnReadOpts {
  let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  let used = 0;
  return {
    buffer: () => {
      if (SLAB_BYTES - used < MIN_READ_ROOM) {
        slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
        used = 0;
      }
      return slab.subarray(used);
    },
    callback: (n: number, buf: Uint8Array) => {
      used += n;
      onChunk(buf.subarray(0, n));
      return true;
    },
  };
}

/** The read buffer of every 'transient' socket (reads are synchronous and one at a time: they never overlap). */
let transientBuffer: Buffer | null = null;

function transientReader(onChunk: (chunk: Uint8Array) => void): net.OnReadOpts {
  transientBuffer ??= Buffer.allocUnsafeSlow(MIN_READ_ROOM);
  return {
    buffer: transientBuffer,
    callback: (n: number, buf: Uint8Array) => {
      onChunk(buf.subarray(0, n));
      return true;
    },
  };
}

/** Node error codes meaning the connection was never made (nothing reached the backend). */
export function isConnectFailure(error: NodeJS.ErrnoException): boolean {
  switch (error.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
      return true;
    default:
      return false;
  }
}
