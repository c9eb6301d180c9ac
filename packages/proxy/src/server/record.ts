// The LogRecord (config/types.ts) of one request, as the forwarder and the WebSocket paths fill it.
import type { LogRecord } from '../config/types.js';
import type { RequestHead } from '../translate/head.js';

/** A record with what the request head tells; the caller fills the outcome. */
export function startRecord(head: RequestHead, startTime: number): LogRecord {
  return {
    startTime,
    durationMs: 0,
    responseDurationMs: null,
    method: head.method,
    authority: head.authority,
    path: head.path,
    scheme: head.secure ? 'https' : 'http',
    protocol: head.version === 2 ? 'HTTP/2' : 'HTTP/1.1',
    requestHeaders: head.headers,
    responseHeaders: null,
    responseTrailers: null,
    responseCode: 0,
    responseFlags: '',
    responseCodeDetails: null,
    bytesReceived: 0,
    bytesSent: 0,
    upstreamHost: null,
    upstreamCluster: null,
    upstreamLocalAddress: null,
    upstreamTransportFailureReason: null,
    downstreamRemoteAddress: head.conn.remote,
    downstreamLocalAddress: head.conn.local,
    requestedServerName: head.conn.sni,
    routeName: null,
    listener: head.listener,
    upstreamAttempts: 0,
    connectionId: head.conn.id,
    connectionTerminationDetails: null,
  };
}

/** `flags` (Envoy-style, comma separated) with `flag` added once. */
export function withFlag(flags: string, flag: string): string {
  if (flag === '' || flags === flag) return flags;
  if (flags === '') return flag;
  return flags.split(',').includes(flag) ? flags : `${flags},${flag}`;
}

/** Adds an Envoy-style flag to the record once. */
export function addFlag(record: LogRecord, flag: string): void {
  record.responseFlags = withFlag(record.responseFlags, flag);
}
