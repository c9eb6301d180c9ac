// TLS listener contexts: one certificate per set of server names, chosen by SNI (exact names first, then the
// longest matching "*.suffix" wildcard), the first certificate when the client sends no or an unknown name.
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import type { ListenerConfig } from '../config/types.js';

export type TlsListenerConfig = NonNullable<ListenerConfig['tls']>;

export class CertificateStore {
  private exact = new Map<string, tls.SecureContext>();
  private wildcards: Array<[string, tls.SecureContext]> = [];
  private fallback: tls.SecureContext | null = null;
  private readonly readFile: (path: string) => string;

  constructor(readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')) {
    this.readFile = readFile;
  }

  /** Loads every certificate of the listener (throws when a file cannot be read or parsed). */
  load(config: TlsListenerConfig): void {
    const exact = new Map<string, tls.SecureContext>();
    const wildcards: Array<[string, tls.SecureContext]> = [];
    let fallback: tls.SecureContext | null = null;
    for (const c of config.certificates) {
      const ctx = tls.createSecureContext({ cert: this.readFile(c.certFile), key: this.readFile(c.keyFile), minVersion: config.minVersion });
      fallback ??= ctx;
      for (const name of c.serverNames) {
        const n = name.toLowerCase();
        if (n.startsWith('*.')) wildcards.push([n.slice(1), ctx]);
        else exact.set(n, ctx);
      }
    }
    wildcards.sort((a, b) => b[0].length - a[0].length);
    this.exact = exact;
    this.wildcards = wildcards;
    this.fallback = fallback;
  }

  /** The context for an SNI name (lowercase compare). */
  lookup(servername: string): tls.SecureContext | null {
    const name = servername.toLowerCase();
    const hit = this.exact.get(name);
    if (hit !== undefined) return hit;
    for (const [suffix, ctx] of this.wildcards) {
      // "*.example.com" covers exactly one more label (RFC 6125 §6.4.3).
      if (name.endsWith(suffix) && name.indexOf('.') === name.length - suffix.length) return ctx;
    }
    return this.fallback;
  }

  /** For tls.createServer: SNICallback. */
  readonly sniCallback = (servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void): void => {
    const ctx = this.lookup(servername);
    if (ctx === null) cb(new Error(`no certificate for ${servername}`));
    else cb(null, ctx);
  };

  /** Options for tls.createServer with the first certificate as default. */
  serverOptions(config: TlsListenerConfig): tls.TlsOptions {
    const first = config.certificates[0];
    const options: tls.TlsOptions = {
      SNICallback: this.sniCallback,
      ALPNProtocols: ['h2', 'http/1.1'],
      minVersion: config.minVersion,
    };
    if (first !== undefined) {
      options.cert = this.readFile(first.certFile);
      options.key = this.readFile(first.keyFile);
    }
    return options;
  }
}
