// The conformance client's verdicts against a scripted in-process peer, plus filters, report and CLI parsing.
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CONNECTION_PREFACE, ErrorCode, Flag, FrameType, SettingId, encodeFrame, decodeFrames } from '@strand/frame';
import { CATALOGUE, matchesFilter } from '../h2spec/cases/index.js';
import { CaseFailure, H2Client } from '../h2spec/client.js';
import { formatReport } from '../h2spec/report.js';
import { parseCli } from '../h2spec/run.js';
import type { CaseResult, H2specRun } from '../h2spec/runner.js';
import * as wire from '../h2spec/wire.js';

/** A loopback peer: `script` gets each accepted socket; `received` collects what the client wrote. */
async function peer(script: (socket: net.Socket) => void) {
  const received: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => {});
    script(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    connect: (timeoutMs = 150) => H2Client.connect({ host: '127.0.0.1', port, tls: false }, { timeoutMs }),
    received: () => new Uint8Array(Buffer.concat(received)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Frames (after the 24-octet preface, when present) the client sent. */
function clientFrames(bytes: Uint8Array) {
  const preface = CONNECTION_PREFACE.length;
  const start = Buffer.from(bytes.subarray(0, preface)).toString('latin1') === CONNECTION_PREFACE ? preface : 0;
  return decodeFrames(bytes.subarray(start));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function failureOf(promise: Promise<unknown>): Promise<CaseFailure> {
  try {
    await promise;
  } catch (err) {
    assert.instance(err, CaseFailure);
    return err as CaseFailure;
  }
  throw new assert.Assertion({ message: 'expected a CaseFailure', expects: 'rejection', actual: 'resolution', operator: 'rejects' });
}

const Client = suite('client');

Client('handshake sends preface + SETTINGS, records server settings, ACKs them and waits for our ACK', async () => {
  const p = await peer((s) => {
    s.write(wire.settingsFrame([[SettingId.MAX_CONCURRENT_STREAMS, 7]]));
    s.write(wire.settingsAckFrame());
  });
  try {
    const conn = await p.connect();
    await conn.handshake();
    assert.is(conn.serverSettings.get(SettingId.MAX_CONCURRENT_STREAMS), 7);
    await sleep(30);
    const bytes = p.received();
    assert.is(Buffer.from(bytes.subarray(0, 24)).toString('latin1'), CONNECTION_PREFACE);
    const frames = clientFrames(bytes);
    assert.equal(
      frames.map((f) => [f.type, f.flags, f.streamId]),
      [
        [FrameType.SETTINGS, 0, 0],
        [FrameType.SETTINGS, Flag.ACK, 0],
      ],
    );
    assert.equal(frames[0]!.type === FrameType.SETTINGS && frames[0]!.settings, [[SettingId.INITIAL_WINDOW_SIZE, 65_535]]);
    conn.close();
  } finally {
    await p.close();
  }
});

Client('handshake without a server SETTINGS fails with a timeout', async () => {
  const p = await peer(() => {});
  try {
    const conn = await p.connect(80);
    const failure = await failureOf(conn.handshake());
    assert.equal(failure.expected, ['SETTINGS exchange (handshake)']);
    assert.is(failure.actual, 'Timeout');
    conn.close();
  } finally {
    await p.close();
  }
});

Client('expectConnectionError: GOAWAY with a listed code passes; another code then a timeout fails', async () => {
  const p = await peer((s) => s.write(wire.goawayFrame(1, ErrorCode.PROTOCOL_ERROR)));
  const q = await peer((s) => s.write(wire.goawayFrame(0, ErrorCode.INTERNAL_ERROR)));
  try {
    await (await p.connect()).expectConnectionError(ErrorCode.PROTOCOL_ERROR);
    const failure = await failureOf((await q.connect()).expectConnectionError(ErrorCode.PROTOCOL_ERROR, ErrorCode.FRAME_SIZE_ERROR));
    assert.equal(failure.expected, ['GOAWAY frame (error:PROTOCOL_ERROR)', 'GOAWAY frame (error:FRAME_SIZE_ERROR)', 'Connection closed']);
    assert.is(failure.actual, 'GOAWAY frame (flags:0x00, stream:0, last_stream:0, error:INTERNAL_ERROR)');
  } finally {
    await p.close();
    await q.close();
  }
});

Client('expectConnectionError: a close passes even after a GOAWAY with another code (as h2spec)', async () => {
  const p = await peer((s) => s.end(wire.goawayFrame(0, ErrorCode.INTERNAL_ERROR)));
  try {
    await (await p.connect()).expectConnectionError(ErrorCode.PROTOCOL_ERROR);
  } finally {
    await p.close();
  }
});

Client('expectStreamError accepts RST_STREAM with a listed code after other frames', async () => {
  const p = await peer((s) => {
    s.write(wire.windowUpdateFrame(0, 100));
    s.write(wire.rstStreamFrame(1, ErrorCode.STREAM_CLOSED));
  });
  const q = await peer((s) => s.write(wire.rstStreamFrame(1, ErrorCode.CANCEL)));
  try {
    await (await p.connect()).expectStreamError(ErrorCode.STREAM_CLOSED);
    const failure = await failureOf((await q.connect()).expectStreamError(ErrorCode.STREAM_CLOSED));
    assert.is(failure.actual, 'RST_STREAM frame (flags:0x00, stream:1, error:CANCEL)');
  } finally {
    await p.close();
    await q.close();
  }
});

Client('expectClose passes on FIN; a silent peer gives "Timeout"', async () => {
  const p = await peer((s) => s.end());
  const q = await peer(() => {});
  try {
    await (await p.connect()).expectClose();
    const failure = await failureOf((await q.connect(60)).expectClose());
    assert.equal(failure.expected, ['Connection closed']);
    assert.is(failure.actual, 'Timeout');
  } finally {
    await p.close();
    await q.close();
  }
});

Client('expectPing wants the first PING to be an ACK with the same data', async () => {
  const data = wire.ascii('12345678');
  const p = await peer((s) => s.write(wire.pingFrame(true, data)));
  const q = await peer((s) => s.write(wire.pingFrame(true, wire.ascii('87654321'))));
  try {
    await (await p.connect()).expectPing(data);
    const failure = await failureOf((await q.connect()).expectPing(data));
    assert.equal(failure.expected, ['PING frame (ACK, data:3132333435363738)']);
    assert.is(failure.actual, 'PING frame (flags:0x01, stream:0, data:3837363534333231)');
  } finally {
    await p.close();
    await q.close();
  }
});

Client('expectHeaders, expectStreamClose and expectDataLength read the response in order', async () => {
  const p = await peer((s) => {
    s.write(encodeFrame({ type: FrameType.HEADERS, streamId: 1, fragment: Uint8Array.of(0x88), endHeaders: true }));
    s.write(wire.dataFrame(1, false, wire.ascii('h')));
    s.write(wire.dataFrame(1, true, wire.ascii('ello')));
  });
  try {
    const conn = await p.connect();
    await conn.expectHeaders(1);
    await conn.expectDataLength(1, 1);
    await conn.expectStreamClose();
    const failure = await failureOf(conn.expectHeaders(3));
    assert.is(failure.actual, 'Timeout');
  } finally {
    await p.close();
  }
});

Client('receive windows are refilled like h2spec once 65535 octets arrived', async () => {
  const chunk = new Uint8Array(16_383);
  const p = await peer((s) => {
    for (let i = 0; i < 4; i++) s.write(wire.dataFrame(1, false, chunk));
    s.write(wire.dataFrame(1, true, new Uint8Array(3)));
  });
  try {
    const conn = await p.connect();
    await conn.expectStreamClose();
    await sleep(30);
    const updates = clientFrames(p.received()).filter((f) => f.type === FrameType.WINDOW_UPDATE);
    // 4 × 16383 + 3 = 65535: both windows reach exactly 0, so each gets 65535 back.
    assert.equal(
      updates.map((f) => f.type === FrameType.WINDOW_UPDATE && [f.streamId, f.increment]),
      [
        [1, 65_535],
        [0, 65_535],
      ],
    );
  } finally {
    await p.close();
  }
});

Client('a frame the decoder refuses ends the connection with an error event', async () => {
  const p = await peer((s) => s.write(wire.frame(FrameType.DATA, 0, 1, new Uint8Array(16_385))));
  try {
    const conn = await p.connect();
    const event = await conn.nextEvent();
    assert.is(event.kind, 'error');
    assert.ok(conn.closed);
  } finally {
    await p.close();
  }
});

Client('sends made in one tick leave in one write', async () => {
  let chunks = 0;
  const p = await peer((s) => s.on('data', () => chunks++));
  try {
    const conn = await p.connect();
    conn.sendPing(new Uint8Array(8));
    conn.sendPing(new Uint8Array(8));
    conn.send(wire.windowUpdateFrame(0, 1));
    await sleep(50);
    assert.is(chunks, 1);
    assert.is(p.received().length, 17 + 17 + 13);
    conn.close();
  } finally {
    await p.close();
  }
});

Client.run();

const Suite = suite('catalogue, report, CLI');

Suite('section filters select by spec, section prefix and case number', () => {
  const pick = (f: string) => CATALOGUE.filter((c) => matchesFilter(c, f)).map((c) => c.id);
  assert.equal(pick('http2/6.9.1/2'), ['http2/6.9.1/2']);
  assert.equal(pick('hpack/6'), ['hpack/6.1/1', 'hpack/6.3/1']);
  assert.equal(pick('6.1'), ['http2/6.1/1', 'http2/6.1/2', 'http2/6.1/3', 'hpack/6.1/1']);
  assert.is(pick('generic').length, 44);
  assert.is(pick('http2').length, 95);
  assert.is(pick('hpack').length, 8);
  assert.equal(pick('http2/6.10'), ['http2/6.10/1', 'http2/6.10/2', 'http2/6.10/3', 'http2/6.10/4', 'http2/6.10/5', 'http2/6.10/6']);
});

Suite('report has h2spec shape: headings, marks, failures block and summary line', () => {
  const base = { requirement: 'req', strict: false, durationMs: 1 };
  const results: CaseResult[] = [
    { ...base, id: 'http2/6.9.1/1', spec: 'http2', section: '6.9.1', seq: 1, title: 'ok case', status: 'passed' },
    {
      ...base,
      id: 'http2/6.9.1/2',
      spec: 'http2',
      section: '6.9.1',
      seq: 2,
      title: 'bad case',
      status: 'failed',
      expected: ['GOAWAY frame (error:FLOW_CONTROL_ERROR)', 'Connection closed'],
      actual: 'Timeout',
    },
    { ...base, id: 'hpack/6.1/1', spec: 'hpack', section: '6.1', seq: 1, title: 'skipped case', status: 'skipped', actual: 'why' },
  ];
  const run: H2specRun = { results, total: 3, passed: 1, skipped: 1, failed: 1, durationMs: 1234 };
  const failed = [
    '      × 2: bad case',
    '        -> req',
    '           Expected: GOAWAY frame (error:FLOW_CONTROL_ERROR)',
    '                     Connection closed',
    '             Actual: Timeout',
  ];
  const http2Tree = ['Hypertext Transfer Protocol Version 2 (HTTP/2)', '  6. Frame Definitions', '    6.9. WINDOW_UPDATE', '      6.9.1. The Flow-Control Window'];
  assert.equal(formatReport(run).split('\n'), [
    ...http2Tree,
    '        ✔ 1: ok case',
    ...failed.map((l) => `  ${l}`),
    '',
    'HPACK: Header Compression for HTTP/2',
    '  6. Binary Format',
    '    6.1. Indexed Header Field Representation',
    '      - 1: skipped case (skipped: why)',
    '',
    'Failures:',
    '',
    ...http2Tree,
    ...failed.map((l) => `  ${l}`),
    '',
    'Finished in 1.2340 seconds',
    '3 tests, 1 passed, 1 skipped, 1 failed',
  ]);
});

Suite('CLI parses flags and rejects a missing port', () => {
  const o = parseCli(['--host', '::1', '--port', '8443', '--tls', '--strict', '--section', '6.9', '--section', 'hpack', '--timeout', '2000', '--json']);
  assert.equal(
    [o.host, o.port, o.tls, o.strict, o.sections, o.timeoutMs, o.json],
    ['::1', 8443, true, true, ['6.9', 'hpack'], 2000, true],
  );
  assert.throws(() => parseCli(['--host', 'x']), /--port is required/);
});

Suite.run();
