// The shape of the catalogue: sections (RFC section numbers, as h2spec groups them) holding cases.
import type { H2Client } from '../client.js';
import type { Field } from '../headers.js';
import type { Target } from '../target.js';

/** h2spec's three top-level specs. */
export type SpecKey = 'generic' | 'http2' | 'hpack';

export interface CaseContext {
  /** A fresh connection; already past the handshake unless the case set `handshake: false`. */
  conn: H2Client;
  target: Target;
  /** The pseudo-headers of a request to `/` (new array on each call). */
  request(method?: string): Field[];
  /** `count` large filler headers (4000-octet values, as h2spec's default --max-header-length). */
  filler(count: number): Field[];
  /** Total DATA octets the server sends for `GET /`, measured once per run on a separate connection. */
  serverBodyLength(): Promise<number>;
}

export interface CaseSpec {
  /** Our short description of what the case sends. */
  title: string;
  /** What the RFC requires of the server, in our words. */
  requirement: string;
  /** Checks a SHOULD rather than a MUST; runs only in strict mode. */
  strict?: boolean;
  /** Set to false for cases that drive the connection preface themselves. */
  handshake?: boolean;
  run(t: CaseContext): Promise<void>;
}

export interface SectionSpec {
  spec: SpecKey;
  /** Section number as h2spec numbers it: '6.9.1' (http2 = RFC 7540, hpack = RFC 7541, generic = its own). */
  section: string;
  name: string;
  /** May be empty for a heading that only groups subsections. */
  cases: CaseSpec[];
}

export const SPEC_TITLES: Record<SpecKey, string> = {
  generic: 'Generic tests for HTTP/2 server',
  http2: 'Hypertext Transfer Protocol Version 2 (HTTP/2)',
  hpack: 'HPACK: Header Compression for HTTP/2',
};

/** Eight opaque octets for PING payloads. */
export const PING_DATA = new TextEncoder().encode('strand!!');
export const ZERO_PING = new Uint8Array(8);
