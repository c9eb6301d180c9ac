/**
 * The caller asked to send something the stream's state forbids (RFC 9113 §5.1 "MUST NOT send"), or misused the
 * API. This is a bug in the caller, never the peer's fault, so it is not an H2Error: nothing goes on the wire and
 * the stream state is unchanged.
 */
export class StreamUsageError extends Error {
  readonly streamId: number;

  constructor(message: string, streamId: number) {
    super(`stream ${streamId}: ${message}`);
    this.name = 'StreamUsageError';
    this.streamId = streamId;
  }
}
