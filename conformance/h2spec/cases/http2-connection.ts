// "http2" sections 3-5 of RFC 7540: preface, frame format and size, header blocks, stream states,
// identifiers, concurrency, dependencies, connection error handling, extensions.
import { DEFAULT_MAX_FRAME_SIZE, ErrorCode, Flag, FrameType, SettingId } from '@strand/frame';
import { CaseSkipped } from '../client.js';
import * as wire from '../wire.js';
import {
  blockInterruptedByHeaders,
  blockInterruptedByPriority,
  connectionErrorCase,
  expectServerPreface,
  openHeaderBlock,
  pingAnsweredCase,
  responseCase,
  streamErrorCase,
  TOP_PRIORITY,
} from './helpers.js';
import type { CaseContext, SectionSpec } from './types.js';

/** A frame of a type no RFC defines (0x16), 8 zero octets, stream 0. */
export const UNKNOWN_FRAME = wire.frame(0x16, 0, 0, new Uint8Array(8));
/** PING with stream id 3: always a connection error (RFC 9113 §6.7). */
const PING_ON_STREAM_3 = wire.frame(FrameType.PING, 0, 3, new Uint8Array(8));
/** Largest stream limit we exercise in §5.1.2 (one HEADERS per stream): larger is treated as no limit. */
export const MAX_STREAMS_EXERCISED = 10_000;

function maxFrameSize(t: CaseContext): number {
  return t.conn.serverSettings.get(SettingId.MAX_FRAME_SIZE) ?? DEFAULT_MAX_FRAME_SIZE;
}

const IDLE = 'Frames other than HEADERS/PRIORITY on an idle stream are a connection error PROTOCOL_ERROR (§5.1).';
const HALF_CLOSED = 'Frames after END_STREAM in half-closed (remote) are a stream error STREAM_CLOSED.';
const AFTER_RESET = 'Frames other than PRIORITY after RST_STREAM are a stream error STREAM_CLOSED.';
const INTERLEAVED = 'A header block must be contiguous; anything else is a connection error PROTOCOL_ERROR.';
const SELF_DEPENDENCY = 'A stream cannot depend on itself: stream error PROTOCOL_ERROR.';

/** Stream 1 opened with a GET that has no END_STREAM, then reset by the client. */
function openThenReset(t: CaseContext): void {
  t.conn.sendHeaders(1, t.request(), { endStream: false });
  t.conn.send(wire.rstStreamFrame(1, ErrorCode.CANCEL));
}

/** A GET on stream 1, then wait until the server has ended the stream. */
async function completedRequest(t: CaseContext): Promise<void> {
  t.conn.sendHeaders(1, t.request());
  await t.conn.expectStreamClose();
}

export const http2ConnectionSections: SectionSpec[] = [
  { spec: 'http2', section: '3', name: 'Starting HTTP/2', cases: [] },
  {
    spec: 'http2',
    section: '3.5',
    name: 'HTTP/2 Connection Preface',
    cases: [
      {
        title: 'server preface is a SETTINGS frame',
        requirement: 'The first frame the server sends MUST be SETTINGS (without ACK).',
        handshake: false,
        run: expectServerPreface,
      },
      {
        ...connectionErrorCase(
          'garbage instead of the client preface',
          'An invalid preface is a connection error PROTOCOL_ERROR; the server closes.',
          (t) => t.conn.send(wire.ascii('INVALID CONNECTION PREFACE\r\n\r\n')),
          ErrorCode.PROTOCOL_ERROR,
        ),
        handshake: false,
      },
    ],
  },
  { spec: 'http2', section: '4', name: 'HTTP Frames', cases: [] },
  {
    spec: 'http2',
    section: '4.1',
    name: 'Frame Format',
    cases: [
      pingAnsweredCase('frame of unknown type is ignored', 'Frames of unknown type MUST be ignored and discarded.', (t) =>
        t.conn.send(UNKNOWN_FRAME),
      ),
      {
        title: 'PING with undefined flags set',
        requirement: 'Undefined flags MUST be ignored; the PING is still answered.',
        async run(t) {
          t.conn.send(wire.frame(FrameType.PING, 0x16, 0, new Uint8Array(8)));
          await t.conn.waitForFrame(FrameType.PING);
        },
      },
      {
        title: 'PING with the reserved stream-id bit set',
        requirement: 'The reserved bit MUST be ignored when receiving; the PING is still answered.',
        async run(t) {
          t.conn.send(wire.frame(FrameType.PING, 0x16, 0x8000_0000, new Uint8Array(8)));
          await t.conn.waitForFrame(FrameType.PING);
        },
      },
    ],
  },
  {
    spec: 'http2',
    section: '4.2',
    name: 'Frame Size',
    cases: [
      responseCase('DATA frame of exactly SETTINGS_MAX_FRAME_SIZE', 'Frames up to the advertised maximum MUST be accepted.', (t) => {
        t.conn.sendHeaders(1, t.request('POST'), { endStream: false });
        t.conn.sendData(1, true, 'x'.repeat(maxFrameSize(t)));
      }),
      streamErrorCase(
        'DATA frame one octet over SETTINGS_MAX_FRAME_SIZE',
        'An oversized frame MUST draw FRAME_SIZE_ERROR.',
        (t) => {
          t.conn.sendHeaders(1, t.request('POST'), { endStream: false });
          t.conn.sendData(1, true, 'x'.repeat(maxFrameSize(t) + 1));
        },
        ErrorCode.FRAME_SIZE_ERROR,
      ),
      connectionErrorCase(
        'HEADERS frame larger than SETTINGS_MAX_FRAME_SIZE',
        'An oversized frame carrying a header block is a connection error FRAME_SIZE_ERROR.',
        (t) => t.conn.sendHeaders(1, [...t.request(), ...t.filler(5)]),
        ErrorCode.FRAME_SIZE_ERROR,
      ),
    ],
  },
  {
    spec: 'http2',
    section: '4.3',
    name: 'Header Compression and Decompression',
    cases: [
      connectionErrorCase(
        'undecodable header block',
        'A header block decoding error is a connection error COMPRESSION_ERROR.',
        // A literal-with-indexing opcode with nothing after it.
        (t) => t.conn.send(wire.frame(FrameType.HEADERS, Flag.END_STREAM | Flag.END_HEADERS, 1, Uint8Array.of(0x40))),
        ErrorCode.COMPRESSION_ERROR,
      ),
      connectionErrorCase('PRIORITY interleaved inside a header block', INTERLEAVED, blockInterruptedByPriority, ErrorCode.PROTOCOL_ERROR),
      connectionErrorCase('HEADERS for another stream inside a header block', INTERLEAVED, blockInterruptedByHeaders, ErrorCode.PROTOCOL_ERROR),
    ],
  },
  { spec: 'http2', section: '5', name: 'Streams and Multiplexing', cases: [] },
  {
    spec: 'http2',
    section: '5.1',
    name: 'Stream States',
    cases: [
      connectionErrorCase('DATA on an idle stream', IDLE, (t) => t.conn.sendData(1, true, 'test'), ErrorCode.PROTOCOL_ERROR),
      connectionErrorCase('RST_STREAM on an idle stream', IDLE, (t) => t.conn.send(wire.rstStreamFrame(1, ErrorCode.CANCEL)), ErrorCode.PROTOCOL_ERROR),
      connectionErrorCase('WINDOW_UPDATE on an idle stream', IDLE, (t) => t.conn.send(wire.windowUpdateFrame(1, 100)), ErrorCode.PROTOCOL_ERROR),
      connectionErrorCase(
        'CONTINUATION on an idle stream',
        IDLE,
        (t) => t.conn.send(wire.continuationFrame(1, true, t.conn.encodeHeaders(t.request()))),
        ErrorCode.PROTOCOL_ERROR,
      ),
      streamErrorCase(
        'DATA on a half-closed (remote) stream',
        HALF_CLOSED,
        (t) => {
          t.conn.sendHeaders(1, t.request());
          t.conn.sendData(1, true, 'test');
        },
        ErrorCode.STREAM_CLOSED,
      ),
      streamErrorCase(
        'second HEADERS on a half-closed (remote) stream',
        HALF_CLOSED,
        (t) => {
          t.conn.sendHeaders(1, t.request());
          t.conn.sendHeaders(1, t.request());
        },
        ErrorCode.STREAM_CLOSED,
      ),
      streamErrorCase(
        'CONTINUATION on a half-closed (remote) stream',
        'A stray CONTINUATION draws STREAM_CLOSED or PROTOCOL_ERROR.',
        (t) => {
          const block = t.conn.encodeHeaders(t.request());
          t.conn.send(wire.headersFrame({ streamId: 1, block, endStream: true, endHeaders: true }));
          t.conn.send(wire.continuationFrame(1, true, block));
        },
        ErrorCode.STREAM_CLOSED,
        ErrorCode.PROTOCOL_ERROR,
      ),
      streamErrorCase(
        'DATA after the client reset the stream',
        AFTER_RESET,
        (t) => {
          openThenReset(t);
          t.conn.sendData(1, true, 'test');
        },
        ErrorCode.STREAM_CLOSED,
      ),
      streamErrorCase(
        'HEADERS after the client reset the stream',
        AFTER_RESET,
        (t) => {
          openThenReset(t);
          t.conn.sendHeaders(1, t.request());
        },
        ErrorCode.STREAM_CLOSED,
      ),
      streamErrorCase(
        'CONTINUATION after the client reset the stream',
        'A stray CONTINUATION after RST_STREAM draws STREAM_CLOSED or PROTOCOL_ERROR.',
        (t) => {
          openThenReset(t);
          t.conn.sendContinuation(1, true, t.filler(1));
        },
        ErrorCode.STREAM_CLOSED,
        ErrorCode.PROTOCOL_ERROR,
      ),
      streamErrorCase(
        'DATA on a stream the server already closed',
        'DATA on a closed stream is an error STREAM_CLOSED.',
        async (t) => {
          await completedRequest(t);
          t.conn.sendData(1, true, 'test');
        },
        ErrorCode.STREAM_CLOSED,
      ),
      connectionErrorCase(
        'HEADERS on a stream the server already closed',
        'Frames after both sides ended the stream are a connection error STREAM_CLOSED.',
        async (t) => {
          const request = wire.headersFrame({ streamId: 1, block: t.conn.encodeHeaders(t.request()), endStream: true, endHeaders: true });
          t.conn.send(request);
          await t.conn.expectStreamClose();
          t.conn.send(request);
        },
        ErrorCode.STREAM_CLOSED,
      ),
      connectionErrorCase(
        'CONTINUATION on a stream the server already closed',
        'A stray CONTINUATION on a closed stream is a connection error STREAM_CLOSED or PROTOCOL_ERROR.',
        async (t) => {
          await completedRequest(t);
          t.conn.sendContinuation(1, true, t.filler(1));
        },
        ErrorCode.STREAM_CLOSED,
        ErrorCode.PROTOCOL_ERROR,
      ),
    ],
  },
  {
    spec: 'http2',
    section: '5.1.1',
    name: 'Stream Identifiers',
    cases: [
      connectionErrorCase(
        'client opens an even-numbered stream',
        'Client streams are odd; an even id is a connection error PROTOCOL_ERROR.',
        (t) => t.conn.sendHeaders(2, t.request()),
        ErrorCode.PROTOCOL_ERROR,
      ),
      connectionErrorCase(
        'client opens stream 3 after stream 5',
        'New stream ids must increase; a smaller one is a connection error PROTOCOL_ERROR.',
        (t) => {
          t.conn.sendHeaders(5, t.request());
          t.conn.sendHeaders(3, t.request());
        },
        ErrorCode.PROTOCOL_ERROR,
      ),
    ],
  },
  {
    spec: 'http2',
    section: '5.1.2',
    name: 'Stream Concurrency',
    cases: [
      streamErrorCase(
        'one stream more than SETTINGS_MAX_CONCURRENT_STREAMS',
        'Exceeding the advertised stream limit is a stream error PROTOCOL_ERROR or REFUSED_STREAM.',
        (t) => {
          const limit = t.conn.serverSettings.get(SettingId.MAX_CONCURRENT_STREAMS);
          if (limit === undefined) throw new CaseSkipped('server advertises no SETTINGS_MAX_CONCURRENT_STREAMS');
          if (limit > MAX_STREAMS_EXERCISED) throw new CaseSkipped(`stream limit ${limit} is too large to exercise`);
          // A zero window keeps the server from finishing (and so closing) the streams.
          t.conn.sendSettings([SettingId.INITIAL_WINDOW_SIZE, 0]);
          const block = t.conn.encodeHeaders(t.request());
          for (let i = 0; i <= limit; i++) t.conn.send(wire.headersFrame({ streamId: 1 + 2 * i, block, endStream: true, endHeaders: true }));
        },
        ErrorCode.PROTOCOL_ERROR,
        ErrorCode.REFUSED_STREAM,
      ),
    ],
  },
  { spec: 'http2', section: '5.3', name: 'Stream Priority', cases: [] },
  {
    spec: 'http2',
    section: '5.3.1',
    name: 'Stream Dependencies',
    cases: [
      streamErrorCase(
        'HEADERS whose priority depends on its own stream',
        SELF_DEPENDENCY,
        (t) => t.conn.sendHeaders(1, t.request(), { priority: { ...TOP_PRIORITY, dependsOn: 1 } }),
        ErrorCode.PROTOCOL_ERROR,
      ),
      streamErrorCase(
        'PRIORITY making a stream depend on itself',
        SELF_DEPENDENCY,
        (t) => t.conn.send(wire.priorityFrame(1, { ...TOP_PRIORITY, dependsOn: 1 })),
        ErrorCode.PROTOCOL_ERROR,
      ),
    ],
  },
  { spec: 'http2', section: '5.4', name: 'Error Handling', cases: [] },
  {
    spec: 'http2',
    section: '5.4.1',
    name: 'Connection Error Handling',
    cases: [
      {
        title: 'connection error ends with a TCP close',
        requirement: 'After a connection error the server MUST close the TCP connection.',
        async run(t) {
          t.conn.send(PING_ON_STREAM_3);
          await t.conn.expectClose();
        },
      },
      {
        title: 'connection error is announced with GOAWAY',
        requirement: 'A connection error SHOULD first be announced with a GOAWAY frame.',
        strict: true,
        async run(t) {
          t.conn.send(PING_ON_STREAM_3);
          await t.conn.waitForFrame(FrameType.GOAWAY);
        },
      },
    ],
  },
  {
    spec: 'http2',
    section: '5.5',
    name: 'Extending HTTP/2',
    cases: [
      pingAnsweredCase('unknown extension frame is ignored', 'Unknown extension frames MUST be ignored.', (t) => t.conn.send(UNKNOWN_FRAME)),
      connectionErrorCase(
        'unknown extension frame inside a header block',
        'Any frame inside a header block is a connection error PROTOCOL_ERROR.',
        (t) => {
          openHeaderBlock(t, true);
          t.conn.send(UNKNOWN_FRAME);
        },
        ErrorCode.PROTOCOL_ERROR,
      ),
    ],
  },
];
