// The contract between the forwarder and an upstream request, whatever protocol the backend speaks.
import type { HeaderList, RequestHead } from '../translate/head.js';

/** What to send upstream: the client's head (after route filters) and the target fields URLRewrite may change. */
export interface OutboundRequest {
  head: RequestHead;
  method: string;
  authority: string;
  path: string;
  /** No request body follows the head. */
  endStream: boolean;
}

export type UpstreamErrorKind = 'connect' | 'refused' | 'reset' | 'timeout' | 'protocol';

export interface UpstreamError {
  kind: UpstreamErrorKind;
  /** The backend certainly did not process the request (connect failed, REFUSED_STREAM, above GOAWAY's last id). */
  retryable: boolean;
  message: string;
}

/** Events from an upstream request to whoever forwards it. Called at most once per terminal event. */
export interface UpstreamHandler {
  /** A 1xx (not 101); `headers` as for onUpstreamResponse. */
  onUpstreamInformational(status: number, headers: HeaderList): void;
  /** Final response head; `headers` have lowercase names and may start with pseudo-header fields (skip them). */
  onUpstreamResponse(status: number, headers: HeaderList, endStream: boolean): void;
  /**
   * Response body. `chunk` may be a view of a read slab that is reused once nothing reads it: a handler that keeps it
   * (or hands it on) beyond this call registers a holder on readSlab() (upstream/slabs.ts) before returning, or
   * copies it.
   */
  onUpstreamData(chunk: Uint8Array): void;
  onUpstreamEnd(trailers: HeaderList | null): void;
  onUpstreamError(error: UpstreamError): void;
  /** The request body queue drained: write more. */
  onUpstreamDrain(): void;
}

/** One request in flight to a backend. */
export interface UpstreamRequest {
  /** 1 for HTTP/1.1, 2 for HTTP/2. */
  readonly version: 1 | 2;
  /** Queues request body; false when the queue is over its mark (wait for onUpstreamDrain). */
  write(chunk: Uint8Array): boolean;
  /** Ends the request body, with trailers when the protocol can carry them (already filtered: forwardableTrailers). */
  end(trailers: HeaderList | null): void;
  /** The client took `n` bytes of the response body: let the backend send more. */
  bodyConsumed(n: number): void;
  /** Cancels the request (RST_STREAM CANCEL, or destroys the HTTP/1.1 socket). No more events follow. */
  abort(): void;
}

/** Connections to one backend host. */
export interface UpstreamPool {
  request(out: OutboundRequest, handler: UpstreamHandler): UpstreamRequest;
  /** Stop taking requests; close connections once their requests finish. */
  close(): void;
  /** Close everything now. */
  destroy(): void;
  /** Connections currently open (for stats and tests). */
  readonly connectionCount: number;
}
