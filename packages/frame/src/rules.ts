// Pure helpers for the frame rules that need context the decoder does not have, so the engine can apply
// them in one line each.

import { ErrorCode, FrameType, UNKNOWN_FRAME_TYPE, frameTypeName } from './constants.js';
import { connectionError, streamError, type H2Error } from './errors.js';
import type { Frame, PrioritySpec } from './types.js';

/**
 * RFC 9113 §5.3.1: a stream cannot depend on itself (stream PROTOCOL_ERROR). The decoder applies this to
 * PRIORITY frames itself; for HEADERS it cannot throw, because the field block must still be decoded to
 * keep HPACK state in sync (RFC 9113 §4.3), so the engine calls this after decoding the block.
 */
export function priorityError(streamId: number, priority: PrioritySpec | undefined): H2Error | null {
  if (priority === undefined || priority.dependency !== streamId) return null;
  return streamError(ErrorCode.PROTOCOL_ERROR, streamId, `stream ${streamId} depends on itself (RFC 9113 §5.3.1)`);
}

/**
 * RFC 9113 §4.3 and §6.10: while a field block is open (HEADERS or PUSH_PROMISE without END_HEADERS), the
 * only frame allowed is a CONTINUATION on the same stream; a CONTINUATION with no open block is also an
 * error. Both are connection PROTOCOL_ERRORs. `openStreamId` is the stream of the open block, 0 for none.
 */
export function fieldBlockSequenceError(openStreamId: number, frame: Frame): H2Error | null {
  if (openStreamId === 0) {
    if (frame.type !== FrameType.CONTINUATION) return null;
    return connectionError(
      ErrorCode.PROTOCOL_ERROR,
      `CONTINUATION on stream ${frame.streamId} without an open field block (RFC 9113 §6.10)`,
    );
  }
  if (frame.type === FrameType.CONTINUATION && frame.streamId === openStreamId) return null;
  const name = frameTypeName(frame.type === UNKNOWN_FRAME_TYPE ? frame.frameType : frame.type);
  return connectionError(
    ErrorCode.PROTOCOL_ERROR,
    `${name} on stream ${frame.streamId} inside the field block of stream ` +
      `${openStreamId}; only CONTINUATION on that stream may follow (RFC 9113 §6.10)`,
  );
}

/** The open field block's stream after `frame` (0 when none is open): pair with fieldBlockSequenceError. */
export function openFieldBlockAfter(openStreamId: number, frame: Frame): number {
  switch (frame.type) {
    case FrameType.HEADERS:
    case FrameType.PUSH_PROMISE:
    case FrameType.CONTINUATION:
      return frame.endHeaders ? 0 : frame.streamId;
    default:
      return openStreamId;
  }
}
