import { ErrorCode, type H2Error, streamError } from '@strand/frame';

/**
 * RFC 7540 §5.3.1 / RFC 9113 §5.3.1: a stream cannot depend on itself; a HEADERS or PRIORITY frame that
 * says so is a stream error of type PROTOCOL_ERROR. Returns that error, or null when the dependency is
 * fine. The tree itself ignores such a dependency, so call this first.
 */
export function selfDependencyError(streamId: number, parent: number): H2Error | null {
  if (streamId !== parent) return null;
  return streamError(ErrorCode.PROTOCOL_ERROR, streamId, `stream ${streamId} depends on itself`);
}
