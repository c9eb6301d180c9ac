// Opening sockets to backends: TCP, or TLS with ALPN and SNI.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { upstreamSlabs, type Slab, type SlabHolder, type SlabPool } from './slabs.js';

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
 * Opens a socket; with TLS, offers `alpn` (e.g. ['h2'] or ['h2', 'http/1.1']). Writes before connect are queued.
 * With a `reader` (cleartext only) the bytes go to it instead of 'data' events.
 */
export function connectSocket(target: HostTarget, alpn: string[], reader?: SlabReader): net.Socket {
  if (target.tls === null) {
    const options: net.NetConnectOpts = { host: target.address, port: target.port, noDelay: true };
    if (reader !== undefined) (options as net.TcpNetConnectOpts).onread = reader.opts;
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

/** A read is offered at least this much room (node:net's own reads are 64 KiB). */
const MIN_READ_ROOM = 64 * 1024;

/**
 * Slabs all switchable readers may hold at once. A reader holds its slab until its next read, and a connection paused
 * for a client that stopped reading waits for that read indefinitely: without a cap, each such connection would pin
 * 1 MiB. Past the cap, large bodies are read into the shared buffer and copied, as small ones are.
 */
export const MAX_SWITCHED_SLABS = 16;

/** The shared read buffer of every switchable reader (reads are synchronous and one at a time: they never overlap). */
let sharedBuffer: Buffer | null = null;

function sharedReadBuffer(): Buffer {
  return (sharedBuffer ??= Buffer.allocUnsafeSlow(MIN_READ_ROOM));
}

function nothingRetained(): number {
  return 0;
}

export interface SlabReaderOptions {
  /**
   * How many of the bytes last handed to `onChunk` the consumer may still read (H2Connection.retainedInput). Default:
   * none (the consumer parses each read during the call and copies what it keeps).
   */
  retained?: () => number;
  /**
   * Read into one buffer shared by every switchable socket, and into slabs only while `slabs` is set and fewer than
   * MAX_SWITCHED_SLABS are held by switchable readers: for the many connections of an HTTP/1.1 pool, where a slab
   * each would cost too much memory. Default false: always slabs.
   */
  switchable?: boolean;
  pool?: SlabPool;
}

/**
 * Reads of one cleartext upstream socket (its `opts` is node:net's `onread`) into the unused tail of a slab
 * (upstream/slabs.ts) instead of a fresh 64 KiB buffer per read: a busy connection makes one read syscall per up to
 * 1 MiB that arrived, frames rarely straddle reads, and no byte of a slab is written again before every holder of its
 * views has let go. A filled slab is retired, held by the reader while its consumer may still parse bytes of it.
 *
 * A switchable reader (HTTP/1.1) reads heads and small bodies into the shared buffer, its consumer copying what it
 * keeps, and a large body into slabs whose views go on without a copy (a copy per 64 KiB read is external memory V8
 * collects by force: on Node 22/24 a mark-compact every few dozen MiB). Node asks for the next read's buffer right
 * after each read, so a switch takes effect from the read after the one that made it; `onChunk` is told which kind
 * each read is.
 */
export class SlabReader {
  /** Slabs held by switchable readers now (at most MAX_SWITCHED_SLABS). */
  static switchedHeld = 0;
  readonly opts: net.OnReadOpts;
  /** Read the next chunks into slabs: always for a reader that is not switchable; for a switchable one while its
   *  connection streams a large body. */
  slabs: boolean;
  /** Bytes read since the reader started (retired slabs remember it to tell when their bytes were all parsed). */
  read = 0;
  readonly retained: () => number;
  private readonly onChunk: (chunk: Uint8Array, fromSlab: boolean) => void;
  private readonly switchable: boolean;
  private readonly pool: SlabPool;
  private slab: Slab | null = null;
  private used = 0;

  constructor(onChunk: (chunk: Uint8Array, fromSlab: boolean) => void, options: SlabReaderOptions = {}) {
    this.onChunk = onChunk;
    this.retained = options.retained ?? nothingRetained;
    this.switchable = options.switchable === true;
    this.slabs = !this.switchable;
    this.pool = options.pool ?? upstreamSlabs;
    this.opts = { buffer: this.buffer, callback: this.callback };
  }

  /** The socket closed: its slab goes back to the pool (held while clients still send views of it). */
  close(): void {
    this.retire();
  }

  private retire(): void {
    const slab = this.slab;
    if (slab === null) return;
    this.slab = null;
    if (this.switchable) SlabReader.switchedHeld--;
    this.pool.retire(slab, new ParsedBy(this, this.read));
  }

  private readonly buffer = (): Uint8Array => {
    if (!this.slabs) {
      this.retire();
      return sharedReadBuffer();
    }
    let slab = this.slab;
    if (slab === null || slab.bytes.length - this.used < MIN_READ_ROOM) {
      this.retire();
      if (this.switchable) {
        if (SlabReader.switchedHeld >= MAX_SWITCHED_SLABS) return sharedReadBuffer(); // copied, as small bodies are
        SlabReader.switchedHeld++;
      }
      slab = this.slab = this.pool.take();
      this.used = 0;
    }
    return slab.bytes.subarray(this.used);
  };

  private readonly callback = (n: number, buf: Uint8Array): boolean => {
    this.read += n;
    const slab = this.slab;
    if (slab === null || buf.buffer !== slab.bytes.buffer) {
      this.onChunk(buf.subarray(0, n), false);
      return true;
    }
    this.used += n;
    const pool = this.pool;
    pool.reading = slab;
    try {
      this.onChunk(buf.subarray(0, n), true);
    } finally {
      pool.reading = null;
    }
    return true;
  };
}

/** The reader's hold on a retired slab: the consumer may still parse bytes read before the slab was retired. */
class ParsedBy implements SlabHolder {
  private readonly reader: SlabReader;
  private readonly readAtRetire: number;

  constructor(reader: SlabReader, readAtRetire: number) {
    this.reader = reader;
    this.readAtRetire = readAtRetire;
  }

  holdsSlabBytes(): boolean {
    return this.reader.retained() > this.reader.read - this.readAtRetire;
  }
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
