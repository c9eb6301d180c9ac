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
 * How a cleartext socket hands its bytes on instead of 'data' events. 'slab' reads into large slabs that are reused
 * once nothing reads them any more (views kept beyond the call register a holder on readSlab(), see slabReader);
 * `retained()` says how many of the last bytes given to `onChunk` are still to be parsed. 'switchable' reads into one
 * buffer shared by every such socket (a chunk is valid only during the call: the callee copies what it keeps), or into
 * slabs while the consumer asks for them (SwitchableReader) — for the many connections of an HTTP/1.1 pool, where a
 * slab each would cost too much memory.
 */
export type ChunkReader = { mode: 'slab'; onChunk: (chunk: Uint8Array) => void; retained: () => number } | { mode: 'switchable'; reader: SwitchableReader };

/**
 * Opens a socket; with TLS, offers `alpn` (e.g. ['h2'] or ['h2', 'http/1.1']). Writes before connect are queued.
 * With a `reader` (cleartext only) the bytes go to it instead of 'data' events.
 */
export function connectSocket(target: HostTarget, alpn: string[], reader?: ChunkReader): net.Socket {
  if (target.tls === null) {
    const options: net.NetConnectOpts = { host: target.address, port: target.port, noDelay: true };
    if (reader !== undefined) {
      (options as net.TcpNetConnectOpts).onread = reader.mode === 'slab' ? slabReader(reader.onChunk, reader.retained) : reader.reader.opts;
    }
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
 * Reads into the unused tail of a slab (upstream/slabs.ts) instead of a fresh 64 KiB buffer per read: a busy upstream
 * connection makes one read syscall per up to 1 MiB that arrived, frames rarely straddle reads, and no byte of a slab
 * is written again before every holder of its views has let go. `retained()` is how many of the bytes last handed to
 * `onChunk` the consumer may still read (H2Connection.retainedInput); 0 when it keeps nothing.
 */
export function slabReader(onChunk: (chunk: Uint8Array) => void, retained: () => number, pool: SlabPool = upstreamSlabs): net.OnReadOpts {
  return new SlabReader(onChunk, retained, pool).opts;
}

class SlabReader {
  readonly opts: net.OnReadOpts;
  readonly retained: () => number;
  /** Bytes read since the reader started (retired slabs remember it to tell when their bytes were all parsed). */
  read = 0;
  private readonly onChunk: (chunk: Uint8Array) => void;
  private readonly pool: SlabPool;
  private slab: Slab | null = null;
  private used = 0;

  constructor(onChunk: (chunk: Uint8Array) => void, retained: () => number, pool: SlabPool) {
    this.onChunk = onChunk;
    this.retained = retained;
    this.pool = pool;
    this.opts = { buffer: this.buffer, callback: this.callback };
  }

  private readonly buffer = (): Uint8Array => {
    let slab = this.slab;
    if (slab === null || slab.bytes.length - this.used < MIN_READ_ROOM) {
      if (slab !== null) this.pool.retire(slab, new ParsedBy(this, this.read));
      slab = this.slab = this.pool.take();
      this.used = 0;
    }
    return slab.bytes.subarray(this.used);
  };

  private readonly callback = (n: number, buf: Uint8Array): boolean => {
    this.used += n;
    this.read += n;
    const pool = this.pool;
    pool.reading = this.slab;
    try {
      this.onChunk(buf.subarray(0, n));
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

/** The shared read buffer of every SwitchableReader (reads are synchronous and one at a time: they never overlap). */
let sharedBuffer: Buffer | null = null;

function sharedReadBuffer(): Buffer {
  return (sharedBuffer ??= Buffer.allocUnsafeSlow(MIN_READ_ROOM));
}

/** The hold of a SwitchableReader on a slab it retired: none (its consumer parses each read during the call). */
const PARSED: SlabHolder = { holdsSlabBytes: () => false };

/**
 * Slabs all SwitchableReaders may hold at once. A reader holds its slab until its next read, and a connection paused
 * for a client that stopped reading waits for that read indefinitely: without a cap, each such connection would pin
 * 1 MiB. Past the cap, large bodies are read into the shared buffer and copied, as small ones are.
 */
export const MAX_SWITCHED_SLABS = 16;

/**
 * Reads into the buffer shared by every such socket, switching to read slabs while `slabs` is set: an HTTP/1.1
 * connection reads heads and small bodies into the shared buffer (copying what it keeps), and a large body into slabs
 * whose views go on without a copy (a copy per 64 KiB read is external memory V8 collects by force: on Node 22/24 a
 * mark-compact every few dozen MiB).
 * Node asks for the next read's buffer right after each read, so a switch takes effect from the read after the one
 * that made it; `onChunk` is told which kind each read is. The consumer keeps nothing of a slab read beyond the call
 * but views registered on readSlab(), so a slab is retired as soon as the mode ends.
 */
export class SwitchableReader {
  /** Slabs held by all readers now (at most MAX_SWITCHED_SLABS). */
  static held = 0;
  readonly opts: net.OnReadOpts;
  /** Read the next chunks into slabs (the connection sets it while a large body streams), when fewer than
   *  MAX_SWITCHED_SLABS are held by readers. */
  slabs = false;
  private readonly onChunk: (chunk: Uint8Array, fromSlab: boolean) => void;
  private readonly pool: SlabPool;
  private slab: Slab | null = null;
  private used = 0;

  constructor(onChunk: (chunk: Uint8Array, fromSlab: boolean) => void, pool: SlabPool = upstreamSlabs) {
    this.onChunk = onChunk;
    this.pool = pool;
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
    SwitchableReader.held--;
    this.pool.retire(slab, PARSED);
  }

  private readonly buffer = (): Uint8Array => {
    if (!this.slabs) {
      this.retire();
      return sharedReadBuffer();
    }
    let slab = this.slab;
    if (slab === null || slab.bytes.length - this.used < MIN_READ_ROOM) {
      this.retire();
      if (SwitchableReader.held >= MAX_SWITCHED_SLABS) return sharedReadBuffer(); // copied, as small bodies are
      slab = this.slab = this.pool.take();
      SwitchableReader.held++;
      this.used = 0;
    }
    return slab.bytes.subarray(this.used);
  };

  private readonly callback = (n: number, buf: Uint8Array): boolean => {
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
