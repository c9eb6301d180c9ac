import * as assert from 'node:assert/strict';
import {
  ReceivePolicy,
  ReceiveWindow,
  SendWindow,
  WindowTuner,
  applyInitialWindowDelta,
  consumeSent,
  initialWindowDelta,
  sendable,
} from '@strand/flow';

// ---- Send side: the peer's windows ----
const connOut = new SendWindow(0); // the connection window always starts at 65,535
const streamOut = new SendWindow(1); // the peer's SETTINGS_INITIAL_WINDOW_SIZE (65,535 by default)
consumeSent(streamOut, connOut, 60_000); // a DATA frame of 60,000 flow-controlled bytes went out
assert.equal(sendable(streamOut, connOut), 5_535);

// The peer lowers SETTINGS_INITIAL_WINDOW_SIZE to 0: the stream window goes negative (RFC 9113 §6.9.2).
applyInitialWindowDelta([streamOut], initialWindowDelta(65_535, 0));
assert.equal(streamOut.size, -60_000);
assert.equal(sendable(streamOut, connOut), 0);
assert.equal(streamOut.update(50_000), false); // still ≤ 0
assert.equal(streamOut.update(20_000), true); // ≤ 0 → > 0: reschedule stream 1
assert.equal(sendable(streamOut, connOut), 5_535); // now the connection window is the limit

// ---- Receive side: our windows, the WINDOW_UPDATE policy and the tuner ----
const tuner = new WindowTuner();
const connIn = new ReceiveWindow(0, 65_535, { tuner }); // aims for 16 MiB
assert.equal(connIn.takeUpdate(), 16 * 1024 * 1024 - 65_535); // send WINDOW_UPDATE(0) right after the preface

const streamOptions = new ReceivePolicy({ tuner }); // one policy shared by every stream window
const streamIn = new ReceiveWindow(1, 65_535, streamOptions);
// We sent SETTINGS_INITIAL_WINDOW_SIZE = 1 MiB; the peer acknowledged it:
streamIn.adjustInitial(initialWindowDelta(65_535, 1024 * 1024));
assert.equal(streamIn.size, 1024 * 1024);

tuner.onRtt(40, 0); // a PING came back after 40 ms
for (let t = 1; t <= 16; t++) {
  connIn.receive(16_384, t); // DATA payload incl. padding, at t ms
  streamIn.receive(16_384, t);
}
assert.equal(streamIn.takeUpdate(), 262_144); // one WINDOW_UPDATE per 256 KiB, not one per frame
assert.equal(connIn.takeUpdate(), 0); // 256 KiB is far below the connection's 4 MiB threshold

// Manual mode (backpressure): credit goes back only once the application has processed the data.
const slow = new ReceiveWindow(3, 65_535, { manual: true });
slow.receive(65_535);
assert.equal(slow.takeUpdate(), 0); // nothing consumed yet: the peer stays blocked
slow.consume(20_000);
assert.equal(slow.takeUpdate(), 20_000);
