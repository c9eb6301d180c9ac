// Runs the catalogue against one server: every case on its own connection, a few at a time.
import { FrameType } from '@strand/frame';
import { CATALOGUE, type CatalogueEntry, matchesFilter } from './cases/index.js';
import type { CaseContext, SpecKey } from './cases/types.js';
import { CaseFailure, CaseSkipped, H2Client } from './client.js';
import { endsStream } from './events.js';
import { fillerHeaders, type HeaderBlockEncoder, requestHeaders } from './headers.js';
import type { Target } from './target.js';

export interface H2specOptions {
  host: string;
  port: number;
  /** TLS with ALPN h2 (certificate not verified); default cleartext with prior knowledge. */
  tls?: boolean;
  /** TLS server name, when `host` is an address but the server wants a name. */
  servername?: string;
  /** Also run the strict cases (SHOULD-level requirements). */
  strict?: boolean;
  /** Longest wait for one server event, in ms (h2spec waits 2000); default 1000. */
  timeoutMs?: number;
  /** Only cases matching one of these filters (see matchesFilter); all when empty. */
  sections?: string[];
  /** How many cases run at once, each on its own connection; default 8. */
  concurrency?: number;
  /** Makes the header encoder for each connection; default @strand/hpack's Encoder. */
  encoder?: () => HeaderBlockEncoder;
}

export type CaseStatus = 'passed' | 'failed' | 'skipped';

export interface CaseResult {
  id: string;
  spec: SpecKey;
  section: string;
  seq: number;
  title: string;
  requirement: string;
  strict: boolean;
  status: CaseStatus;
  /** For failures: the outcomes that would have passed. */
  expected?: string[];
  /** For failures: what was observed; for skips: why. */
  actual?: string;
  durationMs: number;
}

export interface H2specRun {
  results: CaseResult[];
  total: number;
  passed: number;
  skipped: number;
  failed: number;
  durationMs: number;
}

export const DEFAULT_TIMEOUT_MS = 1000;
export const DEFAULT_CONCURRENCY = 8;

/** The cases a run with these options would execute, in report order. */
export function selectCases(options: Pick<H2specOptions, 'strict' | 'sections'>): CatalogueEntry[] {
  const filters = options.sections ?? [];
  return CATALOGUE.filter((c) => (options.strict || !c.strict) && (filters.length === 0 || filters.some((f) => matchesFilter(c, f))));
}

export async function runH2spec(options: H2specOptions): Promise<H2specRun> {
  const started = Date.now();
  const target: Target = { host: options.host, port: options.port, tls: options.tls ?? false };
  if (options.servername !== undefined) target.servername = options.servername;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const makeEncoder = options.encoder;
  const connect = () => H2Client.connect(target, makeEncoder ? { timeoutMs, encoder: makeEncoder() } : { timeoutMs });
  let bodyLength: Promise<number> | undefined;
  const serverBodyLength = () => (bodyLength ??= measureBody(connect, target));

  const cases = selectCases(options);
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      results[index] = await runCase(cases[index]!, connect, target, serverBodyLength);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY) }, worker));

  const count = (s: CaseStatus) => results.filter((r) => r.status === s).length;
  return {
    results,
    total: results.length,
    passed: count('passed'),
    skipped: count('skipped'),
    failed: count('failed'),
    durationMs: Date.now() - started,
  };
}

async function runCase(
  entry: CatalogueEntry,
  connect: () => Promise<H2Client>,
  target: Target,
  serverBodyLength: () => Promise<number>,
): Promise<CaseResult> {
  const started = Date.now();
  const base = {
    id: entry.id,
    spec: entry.spec,
    section: entry.section,
    seq: entry.seq,
    title: entry.title,
    requirement: entry.requirement,
    strict: entry.strict ?? false,
  };
  const done = (status: CaseStatus, extra: Partial<CaseResult> = {}): CaseResult => ({ ...base, status, ...extra, durationMs: Date.now() - started });
  let conn: H2Client;
  try {
    conn = await connect();
  } catch (err) {
    return done('failed', { expected: ['a connection'], actual: `connect failed: ${(err as Error).message}` });
  }
  const ctx: CaseContext = {
    conn,
    target,
    request: (method) => requestHeaders(target, method),
    filler: fillerHeaders,
    serverBodyLength,
  };
  try {
    if (entry.handshake !== false) await conn.handshake();
    await entry.run(ctx);
    return done('passed');
  } catch (err) {
    if (err instanceof CaseSkipped) return done('skipped', { actual: err.message });
    if (err instanceof CaseFailure) return done('failed', { expected: err.expected, actual: err.actual });
    return done('failed', { expected: [], actual: `Error: ${(err as Error).message}` });
  } finally {
    conn.close();
  }
}

/** Total DATA octets of the response to `GET /`, read on a connection of its own. */
async function measureBody(connect: () => Promise<H2Client>, target: Target): Promise<number> {
  const conn = await connect();
  try {
    await conn.handshake();
    conn.sendHeaders(1, requestHeaders(target));
    let length = 0;
    for (;;) {
      const event = await conn.nextEvent();
      if (event.kind !== 'frame') throw new Error('could not measure the response body of GET /');
      const f = event.frame;
      if (f.streamId !== 1) continue;
      if (f.type === FrameType.DATA) length += f.flowControlledLength;
      if (endsStream(f)) return length;
    }
  } finally {
    conn.close();
  }
}
