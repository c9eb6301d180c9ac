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

/** Opens a socket; with TLS, offers `alpn` (e.g. ['h2'] or ['h2', 'http/1.1']). Writes before connect are queued. */
export function connectSocket(target: HostTarget, alpn: string[]): net.Socket {
  if (target.tls === null) return net.connect({ host: target.address, port: target.port, noDelay: true });
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
