// WebSocket upstream connections (RFC 6455 §4.1): a fresh HTTP/1.1 connection per upgrade (never a pooled one: once
// upgraded it is a tunnel). The 'upgrade' event hands over the backend socket; any other answer is a normal response.
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import type { HeaderList } from '../translate/head.js';
import { toRawHeaders } from '../translate/response-headers.js';
import type { HostTarget } from './connect.js';

export interface WebSocketUpstreamHandler {
  onUpgrade(response: http.IncomingMessage, socket: net.Socket, head: Buffer): void;
  onResponse(response: http.IncomingMessage): void;
  onError(error: Error): void;
}

/** Sends the upgrade request (`headers` already translated, Host first, with Connection/Upgrade). */
export function openWebSocketUpstream(target: HostTarget, path: string, headers: HeaderList, handler: WebSocketUpstreamHandler): http.ClientRequest {
  const options: https.RequestOptions & { ALPNProtocols?: string[] } = {
    agent: false,
    host: target.address,
    port: target.port,
    method: 'GET',
    path,
    headers: toRawHeaders(headers) as unknown as http.OutgoingHttpHeaders,
    setHost: false,
  };
  if (target.connectTimeoutMs > 0) options.timeout = target.connectTimeoutMs;
  const tls = target.tls;
  if (tls !== null) {
    options.rejectUnauthorized = tls.rejectUnauthorized;
    if (tls.ca !== undefined) options.ca = tls.ca;
    if (tls.servername !== undefined) options.servername = tls.servername;
    options.ALPNProtocols = ['http/1.1'];
  }
  const req = (tls === null ? http : https).request(options);
  let settled = false;
  req.on('upgrade', (res, socket, head) => {
    settled = true;
    req.setTimeout(0);
    handler.onUpgrade(res, socket, head);
  });
  req.on('response', (res) => {
    settled = true;
    req.setTimeout(0);
    handler.onResponse(res);
  });
  req.on('timeout', () => req.destroy(new Error('websocket upstream timeout')));
  req.on('error', (error) => {
    if (settled) return;
    settled = true;
    handler.onError(error);
  });
  req.end();
  return req;
}
