// req.headers of the compat layer: host from :authority and transfer-encoding for a body of unknown length, added to
// a copy (the stream's own header object is left as received).
import { once } from 'node:events';
import type * as http from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as strand from '../src/index.js';
import { requestHeaders } from '../src/node/compat-request-headers.js';
import { closeServer, listen } from './node-helpers.js';

function streamHeaders(fields: Record<string, string | string[]>): strand.IncomingHttpHeaders {
  const out = Object.assign(Object.create(null), fields);
  out[strand.sensitiveHeaders] = ['authorization'];
  return out;
}

test('host from :authority goes into a null-prototype copy; the stream object is untouched', () => {
  const stream = streamHeaders({ ':method': 'GET', ':authority': 'example.com:8443', ':path': '/', 'set-cookie': ['a=1'] });
  const req = requestHeaders(stream, false);
  assert.is.not(req, stream);
  assert.is(Object.getPrototypeOf(req), null);
  assert.equal(Object.keys(req), [':method', ':authority', ':path', 'set-cookie', 'host']);
  assert.is(req.host, 'example.com:8443');
  assert.is(req['set-cookie'], stream['set-cookie']);
  assert.equal((req as Record<symbol, unknown>)[strand.sensitiveHeaders], ['authorization']);
  assert.is(stream.host, undefined);
  assert.is(req['transfer-encoding'], undefined);
});

test('a body of unknown length adds transfer-encoding: chunked; a content-length does not', () => {
  const chunked = requestHeaders(streamHeaders({ ':method': 'POST', ':authority': 'a', ':path': '/' }), true);
  assert.is(chunked['transfer-encoding'], 'chunked');
  assert.is(chunked.host, 'a');
  const sized = requestHeaders(streamHeaders({ ':method': 'POST', ':authority': 'a', ':path': '/', 'content-length': '3' }), true);
  assert.is(sized['transfer-encoding'], undefined);
});

test('nothing to add: the stream object itself (a host header present, or no :authority)', () => {
  const withHost = streamHeaders({ ':method': 'GET', ':authority': 'a', ':path': '/', host: 'b' });
  assert.is(requestHeaders(withHost, false), withHost);
  assert.is(withHost.host, 'b');
  const noAuthority = streamHeaders({ ':method': 'GET', ':path': '/' });
  assert.is(requestHeaders(noAuthority, false), noAuthority);
});

test('through a server: req.headers has host and chunked, the stream event headers do not', async () => {
  const server = strand.createServer();
  let streamSide: strand.IncomingHttpHeaders | undefined;
  let reqSide: http.IncomingHttpHeaders | undefined;
  server.on('stream', (_stream, headers) => (streamSide = headers));
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    reqSide = req.headers;
    req.resume();
    req.on('end', () => res.end());
  });
  const port = await listen(server);
  const client = strand.connect(`http://127.0.0.1:${port}`);
  const stream = client.request({ ':method': 'POST', ':path': '/' }, { endStream: false });
  stream.end('body');
  await once(stream.resume(), 'end');
  client.destroy();
  await closeServer(server);
  assert.is(reqSide!.host, `127.0.0.1:${port}`);
  assert.is(reqSide!['transfer-encoding'], 'chunked');
  assert.is(Object.getPrototypeOf(reqSide), null);
  assert.is(streamSide!.host, undefined);
  assert.is(streamSide!['transfer-encoding'], undefined);
  assert.is(streamSide![':authority'], `127.0.0.1:${port}`);
});

test.run();
