// Shared helpers for the Node-layer tests: a loopback TLS identity, listening, collecting bodies, tool lookup.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import type { Readable } from 'node:stream';

/** A self-signed P-256 certificate for localhost / 127.0.0.1, valid until 2126 (test use only). */
export const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1lZVTZ2t7/Orki7s
3sMnkZjijPmT4bALjvGTfU87fXihRANCAARPK+y1/Ds71ehR/KoLek3J6GaQCzrR
ZEW6Zg/Qqh4hSt67AyYich09/kbSoMeLVlp8HtghoAjLfi1VQxpvVz2a
-----END PRIVATE KEY-----
`;

export const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUcrNK3fl7GNOzNAC5ZpBQVhnC71IwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjExMzY0NloYDzIxMjYxMDI5
MTEzNjQ2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARPK+y1/Ds71ehR/KoLek3J6GaQCzrRZEW6Zg/Qqh4hSt67AyYich09
/kbSoMeLVlp8HtghoAjLfi1VQxpvVz2ao28wbTAdBgNVHQ4EFgQUQm4Z76nS1SkS
5A8T2SBGOWf5BIEwHwYDVR0jBBgwFoAUQm4Z76nS1SkS5A8T2SBGOWf5BIEwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSQAwRgIhAJ6JoT71u9HkAD7A1JoqpOt+/FhopeZiV31n8rLHx6/RAiEA
2SEKbPy6OKBIrXaAJKGk+RyB0a1h4ErUupBPJM6Kj6g=
-----END CERTIFICATE-----
`;

/** Listens on an ephemeral loopback port; returns the port. */
export async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Closes a server and waits for it. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Reads a readable to the end as one Buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(parts);
}

/** A deterministic body of `n` bytes. */
export function pattern(n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

/** Whether a command is on PATH. */
export function hasCommand(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Resolves after `ms` (for waiting on the peer, never for timing assertions). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for 'close' without adding an 'error' listener (events.once would add one, and strand emits 'error' on
 *  a client session or stream only when someone listens for it). */
export function onClose(emitter: { once(event: 'close', listener: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => emitter.once('close', () => resolve()));
}

/** The `code` of what `fn` throws ('no error' when it does not throw). */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}
