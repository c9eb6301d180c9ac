// An unread request nobody listens to is settled at stream close without its 'end'/'close' ticks, into the state
// node's read → 'end' → autoDestroy → 'close' sequence leaves; with any listener the events come as before.
import { once } from 'node:events';
import * as http from 'node:http';
import { finished } from 'node:stream/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as strand from '../src/index.js';
import { settleUnobservedRequest } from '../src/node/compat-settle.js';
import { closeServer, listen } from './node-helpers.js';

function endedMessage(): http.IncomingMessage {
  const req = new http.IncomingMessage(null as never);
  req.push(null);
  return req;
}

test('settles an ended, empty, unobserved reader: readableEnded, destroyed, closed; finished() resolves', async () => {
  const req = endedMessage();
  assert.is(settleUnobservedRequest(req), true);
  assert.equal([req.readableEnded, req.destroyed, req.closed, req.readable, req.readableAborted], [true, true, true, false, false]);
  await finished(req); // rejects with ERR_STREAM_PREMATURE_CLOSE if the end were not recorded
});

test('leaves alone a reader with a listener, with buffered body, or not ended', () => {
  const listened = endedMessage();
  listened.on('close', () => {});
  assert.is(settleUnobservedRequest(listened), false);
  assert.is(listened.destroyed, false);
  const buffered = new http.IncomingMessage(null as never);
  buffered.push(Buffer.from('body'));
  buffered.push(null);
  assert.is(settleUnobservedRequest(buffered), false);
  const open = new http.IncomingMessage(null as never);
  assert.is(settleUnobservedRequest(open), false);
  assert.equal([open.readableEnded, open.destroyed], [false, false]);
});

test('through a server: an untouched GET request ends settled once its stream closes', async () => {
  let seen: http.IncomingMessage | undefined;
  const server = strand.createServer((req, res) => {
    seen = req;
    res.end('ok');
  });
  const port = await listen(server);
  const client = strand.connect(`http://127.0.0.1:${port}`);
  const stream = client.request({ ':path': '/' });
  await once(stream.resume(), 'end');
  const serverStream = (seen as strand.Http2ServerRequest).stream;
  if (!serverStream.destroyed) await once(serverStream, 'close');
  await new Promise((r) => setImmediate(r));
  client.destroy();
  await closeServer(server);
  assert.equal([seen!.complete, seen!.readableEnded, seen!.destroyed, seen!.closed], [true, true, true, true]);
  await finished(seen!);
});

test.run();
