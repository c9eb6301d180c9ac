// gRPC-Web ↔ gRPC bridge (PROTOCOL-WEB.md): request content-type application/grpc-web[-text][+proto] becomes
// application/grpc[+proto] (text bodies base64-decoded); the response's HTTP/2 trailers become a trailer frame
// (flag 0x80, "name: value\r\n" lines) at the end of the body, base64-encoded for -text clients.
import type { HeaderList } from '../translate/head.js';

const utf8 = new TextEncoder();

export interface GrpcWebMode {
  /** application/grpc-web-text: bodies are base64. */
  text: boolean;
  /** What the client sent, e.g. application/grpc-web+proto: used for the response. */
  clientContentType: string;
}

/** Detects a gRPC-Web request; null when it is not one. */
export function grpcWebMode(contentType: string | undefined): GrpcWebMode | null {
  if (contentType === undefined || !contentType.startsWith('application/grpc-web')) return null;
  const text = contentType.startsWith('application/grpc-web-text');
  return { text, clientContentType: contentType };
}

/** application/grpc-web[-text][+fmt][;params] → application/grpc[+fmt]. */
function backendContentType(clientType: string): string {
  const base = clientType.split(';')[0]!.trim();
  const plus = base.indexOf('+');
  return plus < 0 ? 'application/grpc' : `application/grpc${base.slice(plus)}`;
}

/** Request fields toward the gRPC backend: content-type rewritten, TE: trailers, no content-length (text changes it). */
export function bridgeRequestHeaders(headers: HeaderList, mode: GrpcWebMode): HeaderList {
  const out: HeaderList = [];
  for (const field of headers) {
    const name = field[0];
    if (name === 'content-type' || name === 'content-length' || name === 'te' || name === 'x-grpc-web') continue;
    out.push(field);
  }
  out.push(['content-type', backendContentType(mode.clientContentType)], ['te', 'trailers']);
  return out;
}

/** Response fields toward the gRPC-Web client. */
export function bridgeResponseHeaders(headers: HeaderList, mode: GrpcWebMode): HeaderList {
  const out: HeaderList = [];
  for (const field of headers) {
    if (field[0] === 'content-type') {
      const plus = field[1].indexOf('+');
      const fmt = plus < 0 ? '' : field[1].slice(plus).split(';')[0]!;
      out.push(['content-type', (mode.text ? 'application/grpc-web-text' : 'application/grpc-web') + (fmt === '' ? '+proto' : fmt)]);
    } else if (field[0] !== 'content-length') {
      out.push(field);
    }
  }
  return out;
}

/** The trailer frame: 0x80, 4-byte big-endian length, then HTTP/1-style lines with lowercase names. */
export function trailerFrame(trailers: HeaderList): Uint8Array {
  let text = '';
  for (const [name, value] of trailers) text += `${name.toLowerCase()}: ${value}\r\n`;
  const body = utf8.encode(text);
  const out = new Uint8Array(5 + body.length);
  out[0] = 0x80;
  new DataView(out.buffer).setUint32(1, body.length);
  out.set(body, 5);
  return out;
}

/** Streaming base64 decoder for -text request bodies (chunks may split quads; each message may end with padding). */
export class Base64Decoder {
  private rest = '';

  push(chunk: Uint8Array): Uint8Array {
    const s = this.rest + latin1(chunk);
    const usable = s.length - (s.length % 4);
    this.rest = s.slice(usable);
    return usable === 0 ? new Uint8Array(0) : decodeQuads(s.slice(0, usable));
  }

  /** Leftover characters that never completed a quad: a malformed body. */
  get incomplete(): boolean {
    return this.rest.length > 0;
  }
}

/** Streaming base64 encoder for -text responses: carries up to 2 bytes so the output is one valid base64 text. */
export class Base64Encoder {
  private carry: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): Uint8Array {
    const all = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const usable = all.length - (all.length % 3);
    // A copy (a Buffer's slice() would be a view): the chunk may be a view of a read slab that is reused after this
    // call, so the encoder keeps nothing of it.
    this.carry = new Uint8Array(all.subarray(usable));
    return usable === 0 ? new Uint8Array(0) : ascii(Buffer.from(all.buffer, all.byteOffset, usable).toString('base64'));
  }

  flush(): Uint8Array {
    const c = this.carry;
    this.carry = new Uint8Array(0);
    return c.length === 0 ? c : ascii(Buffer.from(c).toString('base64'));
  }
}

function decodeQuads(s: string): Uint8Array {
  // Padding may appear at the end of any message's base64 run: decode padded groups one run at a time.
  const pad = s.indexOf('=');
  if (pad < 0 || pad >= s.length - 2) return new Uint8Array(Buffer.from(s, 'base64'));
  const parts: Uint8Array[] = [];
  for (let i = 0; i < s.length; i += 4) parts.push(new Uint8Array(Buffer.from(s.slice(i, i + 4), 'base64')));
  return Buffer.concat(parts);
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
}

function ascii(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

