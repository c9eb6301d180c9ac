import * as assert from 'uvu/assert';
import { errorCodeName, Flag, FrameType, H2Error } from '@strand/frame';
import { StreamUsageError } from '../src/index.js';

export const HEADERS = FrameType.HEADERS;
export const DATA = FrameType.DATA;
export const RST = FrameType.RST_STREAM;
export const WINDOW_UPDATE = FrameType.WINDOW_UPDATE;
export const PRIORITY = FrameType.PRIORITY;
/** HEADERS flags as a decoder reports them. */
export const END_HEADERS = Flag.END_HEADERS;
export const END_STREAM = Flag.END_STREAM;
export const END_BOTH = Flag.END_HEADERS | Flag.END_STREAM;

/** Runs `fn`, which must throw an H2Error; asserts its code, scope and (for stream errors) stream id. */
export function throwsH2(fn: () => unknown, code: number, scope: 'connection' | 'stream', streamId = 0): H2Error {
  try {
    fn();
  } catch (error) {
    assert.instance(error, H2Error);
    const h2 = error as H2Error;
    assert.is(`${h2.scope} ${errorCodeName(h2.code)}`, `${scope} ${errorCodeName(code)}`, h2.message);
    assert.is(h2.streamId, streamId);
    return h2;
  }
  assert.unreachable(`expected ${scope} ${errorCodeName(code)}`);
  throw new Error('unreachable');
}

/** Runs `fn`, which must throw a StreamUsageError (and not an H2Error). */
export function throwsUsage(fn: () => unknown, pattern?: RegExp): StreamUsageError {
  try {
    fn();
  } catch (error) {
    assert.instance(error, StreamUsageError);
    assert.not.instance(error, H2Error);
    if (pattern) assert.match((error as Error).message, pattern);
    return error as StreamUsageError;
  }
  assert.unreachable('expected a StreamUsageError');
  throw new Error('unreachable');
}
