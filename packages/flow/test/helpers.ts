import { H2Error } from '@strand/frame';
import * as assert from 'uvu/assert';

export interface ExpectedError {
  code: number;
  scope: 'connection' | 'stream';
  streamId: number;
}

/** Run `fn`, which must throw an H2Error with exactly this code, scope and stream id; returns the error. */
export function throwsH2(fn: () => unknown, expected: ExpectedError): H2Error {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof H2Error)) throw e;
    assert.equal(
      { code: e.code, scope: e.scope, streamId: e.streamId },
      expected,
      `wrong H2Error: ${e.message}`,
    );
    return e;
  }
  assert.unreachable(`expected H2Error ${JSON.stringify(expected)}, nothing thrown`);
  throw new Error('unreachable');
}
