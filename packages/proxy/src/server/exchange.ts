// The contract between a client-side request (an HTTP/2 stream or an HTTP/1.1 message) and the forwarder.
import type { HeaderList, RequestHead } from '../translate/head.js';
import type { Slab } from '../upstream/slabs.js';

/** Events from the client side of one request. */
export interface ClientHandler {
  onRequestData(chunk: Uint8Array): void;
  onRequestEnd(trailers: HeaderList | null): void;
  /** The client went away or reset the stream: no more events, nothing more can be sent. */
  onClientAbort(): void;
  /** The response queue drained: write more. */
  onClientDrain(): void;
}

/** One request as seen from the client connection, and the way back to it. */
export interface ClientStream {
  readonly head: RequestHead;
  handler: ClientHandler | null;
  /** Response trailers reach the client (HTTP/2 always; HTTP/1.1 when the response is chunked). */
  readonly canTrailers: boolean;
  /** The forwarder took `n` bytes of request body off our hands: let the client send more. */
  bodyConsumed(n: number): void;
  informational(status: number, headers: HeaderList): void;
  respond(status: number, headers: HeaderList, endStream: boolean): void;
  /** Response bytes already waiting to be sent (Infinity when the client's window is closed): a chunk written now would be kept for a while. */
  readonly backlog: number;
  /** Queues response body; false when over the mark (wait for onClientDrain). The chunk is kept by reference. */
  write(chunk: Uint8Array): boolean;
  /**
   * Views of `slab` (the read slab being delivered, upstream/slabs.ts) are written to this stream: registers, once per
   * slab fill, the holder that keeps the slab from reuse until they are sent or copied.
   */
  holdViews(slab: Slab): void;
  /** Ends the response, with trailers when the client can take them (already filtered: forwardableTrailers). */
  end(trailers: HeaderList | null): void;
  /** Abandons the response: RST_STREAM (HTTP/2) or closing the connection (HTTP/1.1). */
  reset(code: number): void;
}
