// ClientHttp2Stream: the client side of a stream. The session emits 'response' (final headers), 'headers' (1xx),
// 'continue' (100) and 'trailers' on it; the body is the readable side.
import { Http2Stream } from './stream.js';
import type { Http2Session } from './session.js';

export class ClientHttp2Stream extends Http2Stream {
  constructor(session: Http2Session, id: number, waitForTrailers: boolean) {
    super(session, id);
    this.setHeadersSentFlag();
    if (waitForTrailers) this.setWaitForTrailers();
  }

  /** @internal The request carried END_STREAM: the writable side is done. */
  endedWithHeaders(): void {
    this.markEndQueued();
    this.end();
  }
}
