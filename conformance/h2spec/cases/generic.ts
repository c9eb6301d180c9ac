// "generic": things every HTTP/2 server must simply accept (h2spec's generic tests, our wording).
import { ErrorCode, FrameType, SettingId } from '@strand/frame';
import { LITERAL, indexedField, literalField, tableSizeUpdate } from '../headers.js';
import * as wire from '../wire.js';
import { expectServerPreface, pingAnsweredCase, responseCase, TOP_PRIORITY } from './helpers.js';
import { type CaseContext, type SectionSpec, PING_DATA } from './types.js';

/** Static table index of `user-agent` (RFC 7541 Appendix A). */
const USER_AGENT_INDEX = 58;

/** A GET on stream 1 whose header block is `prefix` + the request fields + `extra`. */
function requestWithExtra(t: CaseContext, extra: Uint8Array, prefix: Uint8Array = new Uint8Array(0)): void {
  const block = wire.concat(prefix, t.conn.encodeHeaders(t.request()), extra);
  t.conn.send(wire.headersFrame({ streamId: 1, block, endStream: true, endHeaders: true }));
}

/** A POST on stream 1 whose body is `bodies`, one DATA frame each. */
function post(t: CaseContext, ...bodies: string[]): void {
  t.conn.sendHeaders(1, t.request('POST'), { endStream: false });
  bodies.forEach((body, i) => t.conn.sendData(1, i === bodies.length - 1, body));
}

/** HEADERS for stream 1 (END_STREAM) with zero initial window, then `extra`: DATA must follow. */
function halfClosedThenData(title: string, requirement: string, extra: (t: CaseContext) => void): SectionSpec['cases'][number] {
  return {
    title,
    requirement,
    async run(t) {
      // A zero window keeps the stream half-closed (remote) until our WINDOW_UPDATE.
      t.conn.sendSettings([SettingId.INITIAL_WINDOW_SIZE, 0]);
      t.conn.sendHeaders(1, t.request());
      extra(t);
      t.conn.send(wire.windowUpdateFrame(1, 1));
      await t.conn.waitForFrame(FrameType.DATA);
    },
  };
}

function representationCases(kind: keyof typeof LITERAL, label: string): SectionSpec['cases'] {
  const variants: Array<[string, number | string, boolean]> = [
    ['indexed name', USER_AGENT_INDEX, false],
    ['indexed name, Huffman value', USER_AGENT_INDEX, true],
    ['literal name', 'x-test', false],
    ['literal name, Huffman strings', 'x-test', true],
  ];
  return variants.map(([variant, name, huffman]) =>
    responseCase(`literal field ${label} (${variant}) is accepted`, `The server decodes a literal header field ${label} and answers.`, (t) =>
      requestWithExtra(t, literalField(kind, name, 'h2spec', huffman)),
    ),
  );
}

const PRIORITY_VARIANTS: Array<[string, number, wire.PriorityFields]> = [
  ['PRIORITY with the lowest weight, then the request', 1, { dependsOn: 0, exclusive: false, weight: 0 }],
  ['PRIORITY with the highest weight, then the request', 1, TOP_PRIORITY],
  ['PRIORITY making stream 3 depend on stream 1, then the request', 3, { dependsOn: 1, exclusive: false, weight: 0 }],
  ['exclusive PRIORITY, then the request', 1, { dependsOn: 0, exclusive: true, weight: 0 }],
  ['PRIORITY for idle stream 3, then a request on lower stream 1', 3, TOP_PRIORITY],
];

export const genericSections: SectionSpec[] = [
  {
    spec: 'generic',
    section: '1',
    name: 'Starting HTTP/2',
    cases: [
      {
        title: 'client preface is answered with a SETTINGS frame',
        requirement: 'The first frame the server sends is a non-ACK SETTINGS frame (its preface).',
        handshake: false,
        run: expectServerPreface,
      },
    ],
  },
  {
    spec: 'generic',
    section: '2',
    name: 'Streams and Multiplexing',
    cases: [
      pingAnsweredCase('PRIORITY on an idle stream is accepted', 'PRIORITY is allowed in the idle state.', (t) =>
        t.conn.send(wire.priorityFrame(1, TOP_PRIORITY)),
      ),
      halfClosedThenData('WINDOW_UPDATE on a half-closed (remote) stream is accepted', 'WINDOW_UPDATE is allowed in half-closed (remote).', () => {}),
      halfClosedThenData('PRIORITY on a half-closed (remote) stream is accepted', 'PRIORITY is allowed in half-closed (remote).', (t) =>
        t.conn.send(wire.priorityFrame(1, TOP_PRIORITY)),
      ),
      pingAnsweredCase('RST_STREAM on a half-closed (remote) stream is accepted', 'RST_STREAM is allowed in half-closed (remote).', (t) => {
        t.conn.sendHeaders(1, t.request());
        t.conn.send(wire.rstStreamFrame(1, ErrorCode.CANCEL));
      }),
      pingAnsweredCase('PRIORITY on a closed stream is accepted', 'PRIORITY is allowed on a closed stream.', async (t) => {
        t.conn.sendHeaders(1, t.request());
        await t.conn.expectStreamClose();
        t.conn.send(wire.priorityFrame(1, TOP_PRIORITY));
      }),
    ],
  },
  { spec: 'generic', section: '3', name: 'Frame Definitions', cases: [] },
  {
    spec: 'generic',
    section: '3.1',
    name: 'DATA',
    cases: [
      responseCase('request body in one DATA frame', 'The server accepts a DATA frame and responds.', (t) => post(t, 'test')),
      responseCase('request body in two DATA frames', 'The server accepts several DATA frames and responds.', (t) => post(t, 'test', 'test')),
      responseCase('padded DATA frame', 'The server accepts a DATA frame with padding and responds.', (t) => {
        t.conn.sendHeaders(1, t.request('POST'), { endStream: false });
        t.conn.send(wire.dataFrame(1, true, wire.ascii('test'), 5));
      }),
    ],
  },
  {
    spec: 'generic',
    section: '3.2',
    name: 'HEADERS',
    cases: [
      responseCase('plain HEADERS request', 'The server answers a HEADERS frame.', (t) => t.conn.sendHeaders(1, t.request())),
      responseCase('padded HEADERS request', 'The server answers a HEADERS frame with padding.', (t) =>
        t.conn.sendHeaders(1, t.request(), { padLength: 8 }),
      ),
      responseCase('HEADERS carrying priority fields', 'The server answers a HEADERS frame with the PRIORITY flag.', (t) =>
        t.conn.sendHeaders(1, t.request(), { priority: TOP_PRIORITY }),
      ),
    ],
  },
  {
    spec: 'generic',
    section: '3.3',
    name: 'PRIORITY',
    cases: PRIORITY_VARIANTS.map(([title, streamId, priority]) =>
      responseCase(title, 'The server accepts the PRIORITY frame and answers the request on stream 1.', (t) => {
        t.conn.send(wire.priorityFrame(streamId, priority));
        t.conn.sendHeaders(1, t.request());
      }),
    ),
  },
  {
    spec: 'generic',
    section: '3.4',
    name: 'RST_STREAM',
    cases: [
      pingAnsweredCase('client cancels an open stream', 'The server accepts RST_STREAM.', (t) => {
        t.conn.sendHeaders(1, t.request(), { endStream: false });
        t.conn.send(wire.rstStreamFrame(1, ErrorCode.CANCEL));
      }),
    ],
  },
  {
    spec: 'generic',
    section: '3.5',
    name: 'SETTINGS',
    cases: [
      {
        title: 'SETTINGS with every defined parameter is acknowledged',
        requirement: 'The server acknowledges a SETTINGS frame.',
        async run(t) {
          t.conn.sendSettings(
            [SettingId.HEADER_TABLE_SIZE, 4096],
            [SettingId.ENABLE_PUSH, 1],
            [SettingId.MAX_CONCURRENT_STREAMS, 100],
            [SettingId.INITIAL_WINDOW_SIZE, 65_535],
            [SettingId.MAX_FRAME_SIZE, 16_384],
            [SettingId.MAX_HEADER_LIST_SIZE, 100],
          );
          await t.conn.expectSettingsAck();
        },
      },
    ],
  },
  {
    spec: 'generic',
    section: '3.7',
    name: 'PING',
    cases: [
      pingAnsweredCase('PING is echoed', 'The server answers PING with a PING ACK carrying the same data.', () => {}, PING_DATA),
    ],
  },
  {
    spec: 'generic',
    section: '3.8',
    name: 'GOAWAY',
    cases: [
      {
        title: 'client GOAWAY is accepted',
        requirement: 'After a client GOAWAY the server still answers PING, or closes cleanly.',
        async run(t) {
          t.conn.send(wire.goawayFrame(0, ErrorCode.NO_ERROR, wire.ascii('strand')));
          t.conn.sendPing(PING_DATA);
          await t.conn.expectPingOrClose(PING_DATA);
        },
      },
    ],
  },
  {
    spec: 'generic',
    section: '3.9',
    name: 'WINDOW_UPDATE',
    cases: [
      pingAnsweredCase('WINDOW_UPDATE for the connection', 'The server accepts a connection WINDOW_UPDATE.', (t) =>
        t.conn.send(wire.windowUpdateFrame(0, 1)),
      ),
      responseCase('WINDOW_UPDATE for stream 1', 'The server accepts a stream WINDOW_UPDATE and answers the request.', (t) => {
        t.conn.sendHeaders(1, t.request());
        t.conn.send(wire.windowUpdateFrame(1, 1));
      }),
    ],
  },
  {
    spec: 'generic',
    section: '3.10',
    name: 'CONTINUATION',
    cases: [
      responseCase('header block split over HEADERS + CONTINUATION', 'The server reassembles the header block and answers.', (t) => {
        const block = t.conn.encodeHeaders(t.request());
        t.conn.send(wire.headersFrame({ streamId: 1, block: block.subarray(0, 5), endStream: true, endHeaders: false }));
        t.conn.send(wire.continuationFrame(1, true, block.subarray(5)));
      }),
      responseCase('header block split over HEADERS + two CONTINUATIONs', 'The server reassembles the header block and answers.', (t) => {
        const block = t.conn.encodeHeaders(t.request());
        t.conn.send(wire.headersFrame({ streamId: 1, block: block.subarray(0, 5), endStream: true, endHeaders: false }));
        t.conn.send(wire.continuationFrame(1, false, block.subarray(5, 10)));
        t.conn.send(wire.continuationFrame(1, true, block.subarray(10)));
      }),
    ],
  },
  {
    spec: 'generic',
    section: '4',
    name: 'HTTP Message Exchanges',
    cases: [
      responseCase('GET request', 'The server responds to a GET.', (t) => t.conn.sendHeaders(1, t.request())),
      responseCase('HEAD request', 'The server responds to a HEAD.', (t) => t.conn.sendHeaders(1, t.request('HEAD'))),
      responseCase('POST request with a body', 'The server responds to a POST.', (t) => post(t, 'test')),
      responseCase('POST request with a body and trailers', 'The server accepts trailers and responds.', (t) => {
        t.conn.sendHeaders(1, [...t.request('POST'), ['trailer', 'x-test']], { endStream: false });
        t.conn.sendData(1, false, 'test');
        t.conn.sendHeaders(1, [['x-test', 'ok']]);
      }),
    ],
  },
  {
    spec: 'generic',
    section: '5',
    name: 'HPACK',
    cases: [
      responseCase('indexed field from the static table', 'The server decodes an indexed header field and answers.', (t) =>
        requestWithExtra(t, indexedField(USER_AGENT_INDEX)),
      ),
      ...representationCases('withIncrementalIndexing', 'with incremental indexing'),
      ...representationCases('withoutIndexing', 'without indexing'),
      ...representationCases('neverIndexed', 'never indexed'),
      responseCase('dynamic table size update at the start of a block', 'The server accepts a table size update (to 128).', (t) =>
        requestWithExtra(t, new Uint8Array(0), tableSizeUpdate(128)),
      ),
      responseCase('two dynamic table size updates at the start of a block', 'The server accepts size updates to 128, then 4096.', (t) =>
        requestWithExtra(t, new Uint8Array(0), wire.concat(tableSizeUpdate(128), tableSizeUpdate(4096))),
      ),
    ],
  },
];
