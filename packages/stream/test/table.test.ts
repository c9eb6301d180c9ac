// Walks every (state, input) pair of the §5.1 table and compares it with the expectation of ./rfc.ts, derived rule
// by rule from the RFC 9113 text (not from the table).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '@strand/frame';
import { INPUT_COUNT, INPUT_NAMES, STATE_COUNT, STATE_NAMES, TABLE, transition, type Outcome } from '../src/index.js';
import { PACKED } from '../src/table.js';
import { expectReceive, expectSend, parseInput, PE, type Expected } from './rfc.js';

function describe(outcome: Outcome): Expected {
  switch (outcome.kind) {
    case 'next':
      return `→ ${STATE_NAMES[outcome.state]}`;
    case 'ignore':
      return 'ignore';
    case 'usage':
      return 'usage';
    case 'error': {
      const name = Object.entries(ErrorCode).find(([, v]) => v === outcome.code)![0];
      return `${outcome.scope} ${name}`;
    }
  }
}

test('the table is total: every (state, input) pair has an outcome with an RFC reference', () => {
  assert.is(TABLE.length, STATE_COUNT);
  assert.is(STATE_NAMES.length, STATE_COUNT);
  assert.is(INPUT_NAMES.length, INPUT_COUNT);
  for (const row of TABLE) {
    assert.is(row.length, INPUT_COUNT);
    for (const outcome of row) {
      assert.ok(['next', 'ignore', 'usage', 'error'].includes(outcome.kind));
      assert.ok(outcome.rfc.length > 0);
    }
  }
  assert.ok(Object.isFrozen(TABLE) && Object.isFrozen(TABLE[0]) && Object.isFrozen(TABLE[0]![0]));
});

test('every (state, input) pair matches the expectation derived from RFC 9113 §5.1/§6', () => {
  let checked = 0;
  for (let state = 0; state < STATE_COUNT; state++) {
    for (let input = 0; input < INPUT_COUNT; input++) {
      const { sending, frame, endStream } = parseInput(INPUT_NAMES[input]!);
      const name = STATE_NAMES[state]!;
      const expected = sending ? expectSend(name, frame, endStream) : expectReceive(name, frame, endStream);
      assert.is(describe(transition(state as never, input)), expected, `${name} × ${INPUT_NAMES[input]}`);
      checked++;
    }
  }
  assert.is(checked, 11 * 18);
});

test('errors only on receive, usage only on send, ignore only on closed streams', () => {
  for (let state = 0; state < STATE_COUNT; state++) {
    for (let input = 0; input < INPUT_COUNT; input++) {
      const outcome = TABLE[state]![input]!;
      const sending = INPUT_NAMES[input]!.startsWith('SEND_');
      if (outcome.kind === 'error') assert.not.ok(sending);
      if (outcome.kind === 'usage') assert.ok(sending);
      if (outcome.kind === 'ignore') assert.ok(STATE_NAMES[state]!.startsWith('closed'));
    }
  }
});

test('the packed copy the store reads agrees with TABLE', () => {
  for (let state = 0; state < STATE_COUNT; state++) {
    for (let input = 0; input < INPUT_COUNT; input++) {
      const cell = PACKED[state * INPUT_COUNT + input]!;
      const outcome = TABLE[state]![input]!;
      const kind = ['next', 'ignore', 'connection', 'stream', 'usage'][cell >> 8];
      const expectedKind = outcome.kind === 'error' ? outcome.scope : outcome.kind;
      assert.is(kind, expectedKind);
      if (outcome.kind === 'next') assert.is(cell & 0xff, outcome.state);
      if (outcome.kind === 'error') assert.is(cell & 0xff, outcome.code);
    }
  }
});

// The cases the issue and h2spec name, spelled out.
const named: [state: string, input: string, expected: Expected][] = [
  ['idle', 'RECV_DATA', PE],
  ['idle', 'RECV_RST_STREAM', PE],
  ['idle', 'RECV_WINDOW_UPDATE', PE],
  ['idle', 'RECV_PRIORITY', '→ idle'],
  ['half-closed (remote)', 'RECV_DATA', 'stream STREAM_CLOSED'],
  ['half-closed (remote)', 'RECV_HEADERS', 'stream STREAM_CLOSED'],
  ['half-closed (remote)', 'RECV_WINDOW_UPDATE', '→ half-closed (remote)'],
  ['half-closed (remote)', 'RECV_RST_STREAM', '→ closed [reset received]'],
  ['closed [reset received]', 'RECV_DATA', 'stream STREAM_CLOSED'],
  ['closed [reset received]', 'RECV_HEADERS', 'stream STREAM_CLOSED'],
  ['closed [END_STREAM]', 'RECV_DATA', 'connection STREAM_CLOSED'],
  ['closed [END_STREAM]', 'RECV_HEADERS_END_STREAM', 'connection STREAM_CLOSED'],
  ['closed [END_STREAM]', 'RECV_WINDOW_UPDATE', 'ignore'],
  ['closed [reset sent]', 'RECV_DATA', 'ignore'],
  ['closed [reset sent]', 'RECV_PUSH_PROMISE', 'ignore'],
  ['half-closed (local)', 'SEND_DATA', 'usage'],
  ['closed [END_STREAM]', 'SEND_WINDOW_UPDATE', 'usage'],
];

for (const [stateName, inputName, expected] of named) {
  test(`${stateName} × ${inputName} → ${expected}`, () => {
    const state = STATE_NAMES.indexOf(stateName);
    const input = INPUT_NAMES.indexOf(inputName as never);
    assert.ok(state >= 0 && input >= 0);
    assert.is(describe(transition(state as never, input)), expected);
  });
}

test.run();
