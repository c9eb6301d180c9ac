// A listener: a cleartext port (h2c prior knowledge and HTTP/1.1 told apart by the preface) or a TLS port (ALPN h2
// and http/1.1, certificates by SNI). Connections go to H2Session or the listener's H1Frontend.
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ListenerConfig, Metrics } from '../config/types.js';
import type { ClientStream } from './exchange.js';
import { H1Frontend } from './h1-session.js';
import { H2Session, type H2SessionOptions } from './h2-session.js';
import { sniff } from './sniff.js';
import { CertificateStore } from './tls.js';
import type { RequestHead } from '../translate/head.js';

export interface ListenerOwner {
  dispatch(stream: ClientStream): void;
  upgrade(head: RequestHead, socket: net.Socket, rest: Buffer): void;
  sessionOpened(session: H2Session): void;
  sessionClosed(session: H2Session): void;
  /** A client connection arrived: false refuses it (limits.maxConnections). */
  admit(): boolean;
  /** An admitted connection closed. */
  released(): void;
}

export interface ListenerTuning {
  streamWindow: number;
  maxConcurrentStreams: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE toward HTTP/2 clients; the HTTP/1.1 header section limit. */
  maxHeaderListBytes: number;
  /** Idle client connections are closed after this long. */
  idleTimeoutMs: number;
  /** Time for the first bytes / a request head (slowloris). */
  headersTimeoutMs: number;
  readFile?: (path: string) => string;
  metrics: Metrics;
}

export class Listener {
  readonly config: ListenerConfig;
  readonly server: net.Server;
  readonly h1: H1Frontend;
  private readonly owner: ListenerOwner;
  private tuning: ListenerTuning;
  private readonly certificates: CertificateStore | null;
  private h2Options: H2SessionOptions;
  private readonly sockets = new Set<net.Socket>();

  constructor(config: ListenerConfig, owner: ListenerOwner, tuning: ListenerTuning) {
    this.config = config;
    this.owner = owner;
    this.tuning = tuning;
    this.h1 = new H1Frontend(owner, { listener: config.name, keepAliveTimeoutMs: tuning.idleTimeoutMs, headersTimeoutMs: tuning.headersTimeoutMs, maxHeaderSize: tuning.maxHeaderListBytes });
    this.h2Options = sessionOptions(config, tuning);
    if (config.tls !== null) {
      this.certificates = new CertificateStore(tuning.readFile);
      this.certificates.load(config.tls);
      const server = tls.createServer(this.certificates.serverOptions(config.tls));
      server.on('secureConnection', this.onSecureConnection);
      server.on('tlsClientError', (_error: Error, socket: tls.TLSSocket) => socket.destroy());
      this.server = server;
    } else {
      this.certificates = null;
      this.server = net.createServer(this.onConnection);
    }
    this.server.on('connection', this.track);
  }

  /** Same address, port and kind: a reload can keep this listener (and reload its certificates). */
  sameSocket(other: ListenerConfig): boolean {
    return other.address === this.config.address && other.port === this.config.port && (other.tls === null) === (this.config.tls === null);
  }

  /** A reload kept this listener: new certificates and limits apply to new connections. */
  reconfigure(config: ListenerConfig, tuning: ListenerTuning): void {
    if (config.tls !== null && this.certificates !== null) this.certificates.load(config.tls);
    this.tuning = tuning;
    this.h2Options = sessionOptions(config, tuning);
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.config.address, port: this.config.port }, () => {
        this.server.removeListener('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  get port(): number {
    const a = this.server.address();
    return a !== null && typeof a === 'object' ? a.port : 0;
  }

  /** Stops accepting (the port is released at once); open connections are left to the caller's drain. */
  stopAccepting(): void {
    if (this.server.listening) this.server.close();
  }

  /** Open client connections (TCP sockets), for draining. */
  get openSockets(): number {
    return this.sockets.size;
  }

  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  private readonly track = (socket: net.Socket): void => {
    if (!this.owner.admit()) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.owner.released();
    });
  };

  private readonly onConnection = (socket: net.Socket): void => {
    if (socket.destroyed) return;
    socket.on('error', () => socket.destroy());
    sniff(socket, this.tuning.headersTimeoutMs, (kind, head) => {
      if (kind === 'h2') this.startH2(socket, head);
      else this.startH1(socket, head);
    });
  };

  private readonly onSecureConnection = (socket: tls.TLSSocket): void => {
    socket.on('error', () => socket.destroy());
    if (socket.alpnProtocol === 'h2') this.startH2(socket, null);
    else this.startH1(socket, null);
  };

  private opened(socket: net.Socket, protocol: string): void {
    const metrics = this.tuning.metrics;
    const name = this.config.name;
    metrics.connectionOpened(name, protocol);
    socket.once('close', () => metrics.connectionClosed(name, protocol));
  }

  private startH1(socket: net.Socket, head: Buffer | null): void {
    this.opened(socket, 'HTTP/1.1');
    this.h1.accept(socket, head);
  }

  private startH2(socket: net.Socket, head: Buffer | null): void {
    this.opened(socket, 'HTTP/2');
    const session = new H2Session(socket, head, this.owner, this.h2Options);
    this.owner.sessionOpened(session);
  }
}

function sessionOptions(config: ListenerConfig, tuning: ListenerTuning): H2SessionOptions {
  return {
    listener: config.name,
    secure: config.tls !== null,
    streamWindow: tuning.streamWindow,
    maxConcurrentStreams: tuning.maxConcurrentStreams,
    maxHeaderListBytes: tuning.maxHeaderListBytes,
    idleTimeoutMs: tuning.idleTimeoutMs,
  };
}
