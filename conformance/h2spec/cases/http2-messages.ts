// "http2" sections 7 and 8 of RFC 7540: unknown error codes, and what makes a request malformed.
import { ErrorCode } from '@strand/frame';
import type { Field } from '../headers.js';
import * as wire from '../wire.js';
import { connectionErrorCase, pingAnsweredCase, streamErrorCase } from './helpers.js';
import { type CaseContext, type SectionSpec, PING_DATA } from './types.js';

/** A request whose header list is `fields(t)`, expected to be refused with a stream error PROTOCOL_ERROR. */
function malformed(title: string, fields: (t: CaseContext) => Field[]): SectionSpec['cases'][number] {
  return streamErrorCase(
    title,
    'A malformed request MUST be treated as a stream error PROTOCOL_ERROR (§8.1.2.6).',
    (t) => t.conn.sendHeaders(1, fields(t)),
    ErrorCode.PROTOCOL_ERROR,
  );
}

/** POST with a 4-octet body, then a second HEADERS `second` without END_STREAM: malformed. */
function badTrailers(title: string, second: Field[]): SectionSpec['cases'][number] {
  return streamErrorCase(
    title,
    'The request is malformed: stream error PROTOCOL_ERROR.',
    (t) => {
      t.conn.sendHeaders(1, t.request('POST'), { endStream: false });
      t.conn.sendData(1, false, 'test');
      t.conn.sendHeaders(1, second, { endStream: false });
    },
    ErrorCode.PROTOCOL_ERROR,
  );
}

/** The request with the pseudo-header at `index` (0 :method, 1 :scheme, 2 :path) removed. */
function without(t: CaseContext, index: number): Field[] {
  return t.request().filter((_, i) => i !== index);
}

/** The request with the pseudo-header at `index` repeated after the others. */
function duplicated(t: CaseContext, index: number): Field[] {
  const fields = t.request();
  return [...fields, fields[index]!];
}

/** POST declaring content-length 1, then DATA frames carrying `bodies`. */
function lengthMismatch(title: string, bodies: string[]): SectionSpec['cases'][number] {
  return streamErrorCase(
    title,
    'A content-length different from the DATA total is malformed: stream error PROTOCOL_ERROR.',
    (t) => {
      t.conn.sendHeaders(1, [...t.request('POST'), ['content-length', '1']], { endStream: false });
      bodies.forEach((body, i) => t.conn.sendData(1, i === bodies.length - 1, body));
    },
    ErrorCode.PROTOCOL_ERROR,
  );
}

export const http2MessageSections: SectionSpec[] = [
  {
    spec: 'http2',
    section: '7',
    name: 'Error Codes',
    cases: [
      {
        title: 'GOAWAY with an unknown error code',
        requirement: 'Unknown error codes MUST NOT trigger special behaviour: PING answered or clean close.',
        async run(t) {
          t.conn.send(wire.goawayFrame(0, 0xff));
          t.conn.sendPing(PING_DATA);
          await t.conn.expectPingOrClose(PING_DATA);
        },
      },
      pingAnsweredCase('RST_STREAM with an unknown error code', 'Unknown error codes MUST NOT trigger special behaviour.', (t) => {
        t.conn.sendHeaders(1, t.request('POST'), { endStream: false });
        t.conn.send(wire.rstStreamFrame(1, 0xff));
      }),
    ],
  },
  { spec: 'http2', section: '8', name: 'HTTP Message Exchanges', cases: [] },
  {
    spec: 'http2',
    section: '8.1',
    name: 'HTTP Request/Response Exchange',
    cases: [badTrailers('second HEADERS without END_STREAM', [['x-test', 'ok']])],
  },
  {
    spec: 'http2',
    section: '8.1.2',
    name: 'HTTP Header Fields',
    cases: [malformed('upper-case header field name', (t) => [...t.request(), ['X-TEST', 'ok']])],
  },
  {
    spec: 'http2',
    section: '8.1.2.1',
    name: 'Pseudo-Header Fields',
    cases: [
      malformed('unknown pseudo-header :test', (t) => [...t.request(), [':test', 'ok']]),
      malformed('response pseudo-header :status in a request', (t) => [...t.request(), [':status', '200']]),
      badTrailers('pseudo-header in trailers', [[':method', 'POST']]),
      malformed('pseudo-header after a regular header', (t) => [['x-test', 'ok'], ...t.request()]),
    ],
  },
  {
    spec: 'http2',
    section: '8.1.2.2',
    name: 'Connection-Specific Header Fields',
    cases: [
      malformed('connection header field', (t) => [...t.request(), ['connection', 'keep-alive']]),
      malformed('te header field other than "trailers"', (t) => [...t.request(), ['trailers', 'test'], ['te', 'trailers, deflate']]),
    ],
  },
  {
    spec: 'http2',
    section: '8.1.2.3',
    name: 'Request Pseudo-Header Fields',
    cases: [
      malformed('empty :path', (t) => t.request().map(([n, v]): Field => [n, n === ':path' ? '' : v])),
      malformed('request without :method', (t) => without(t, 0)),
      malformed('request without :scheme', (t) => without(t, 1)),
      malformed('request without :path', (t) => without(t, 2)),
      malformed('request with :method twice', (t) => duplicated(t, 0)),
      malformed('request with :scheme twice', (t) => duplicated(t, 1)),
      malformed('request with :path twice', (t) => duplicated(t, 2)),
    ],
  },
  {
    spec: 'http2',
    section: '8.1.2.6',
    name: 'Malformed Requests and Responses',
    cases: [
      lengthMismatch('content-length 1 with a 4-octet DATA frame', ['test']),
      lengthMismatch('content-length 1 with two 4-octet DATA frames', ['test', 'test']),
    ],
  },
  {
    spec: 'http2',
    section: '8.2',
    name: 'Server Push',
    cases: [
      connectionErrorCase(
        'client sends PUSH_PROMISE',
        'A server receiving PUSH_PROMISE MUST treat it as a connection error PROTOCOL_ERROR.',
        (t) => t.conn.send(wire.pushPromiseFrame(1, 3, true, t.conn.encodeHeaders(t.request()))),
        ErrorCode.PROTOCOL_ERROR,
      ),
    ],
  },
];
