// WebSockets: HTTP/1.1 Upgrade passed through, and RFC 8441 extended CONNECT from an HTTP/2 client bridged to an
// HTTP/1.1 WebSocket backend. The backend answers the handshake (RFC 6455 §4.2.2) and echoes raw bytes back.
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProxy, type RunningProxy } from '../src/proxy.js';
import { cluster, config, listen, listener, route, standInRouter, type Closable } from './proxy-fixtures.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
let backend: Closable;
let proxy: RunningProxy;
let port = 0;
const seenKeys: string[] = [];

test.before(async () => {
  const server = http.createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('upgrade required');
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    if (req.url === '/ws/refuse') {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 4\r\n\r\nnope');
      return;
    }
    const key = String(req.headers['sec-websocket-key']);
    seenKeys.push(key);
    const accept = createHash('sha1').update(key + GUID).digest('base64');
    const proto = req.headers['sec-websocket-protocol'] ? `Sec-WebSocket-Protocol: ${String(req.headers['sec-websocket-protocol']).split(',')[0]}\r\n` : '';
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${proto}\r\n`);
    if (head.length > 0) socket.write(head);
    socket.on('data', (d) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
  });
  backend = await listen(server);
  const cfg = config([listener('plain')], [route('ws', 'ws', '/ws')], [cluster('ws', 'http', [backend.port])]);
  proxy = await startProxy(cfg, { router: standInRouter });
  port = proxy.ports.get('plain')!;
});

test.after(async () => {
  await proxy.shutdown(100);
  await backend.close();
});

function readUntil(socket: net.Socket, pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      if (pattern.test(text)) {
        socket.removeListener('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
  });
}

test('HTTP/1.1 Upgrade: websocket is passed through; bytes flow both ways after 101', async () => {
  const socket = net.connect(port, '127.0.0.1');
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  socket.write(`GET /ws/chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n\r\n`);
  const head = await readUntil(socket, /\r\n\r\n/);
  assert.match(head, /^HTTP\/1\.1 101 /);
  assert.match(head, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
  assert.match(head, /Sec-WebSocket-Protocol: chat/);
  const echoed = readUntil(socket, /echo:ping/);
  socket.write('ping');
  assert.match(await echoed, /echo:ping/);
  socket.destroy();
});

test('HTTP/1.1 Upgrade refused by the backend: the answer is relayed and the connection closed', async () => {
  const socket = net.connect(port, '127.0.0.1');
  socket.write('GET /ws/refuse HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n\r\n');
  const text = await new Promise<string>((resolve) => {
    let t = '';
    socket.on('data', (d) => (t += d.toString('latin1')));
    socket.on('close', () => resolve(t));
  });
  assert.match(text, /^HTTP\/1\.1 403 /);
  assert.match(text, /nope$/);
});

test('RFC 8441 extended CONNECT from an HTTP/2 client is bridged to the HTTP/1.1 WebSocket backend', async () => {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  await new Promise<void>((resolve) => session.once('remoteSettings', () => resolve()));
  assert.is(session.remoteSettings.enableConnectProtocol, true);
  const stream = session.request({ ':method': 'CONNECT', ':protocol': 'websocket', ':path': '/ws/h2', ':scheme': 'http', ':authority': 'a', 'sec-websocket-version': '13', 'sec-websocket-protocol': 'chat' }, { endStream: false });
  const headers = await new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once('response', resolve));
  assert.is(headers[':status'], 200);
  assert.is(headers['sec-websocket-protocol'], 'chat');
  const got = new Promise<string>((resolve) => {
    let t = '';
    stream.on('data', (d: Buffer) => {
      t += d.toString();
      if (t.includes('echo:hello')) resolve(t);
    });
  });
  stream.write('hello');
  assert.is(await got, 'echo:hello');
  assert.match(seenKeys[seenKeys.length - 1]!, /^[A-Za-z0-9+/]{22}==$/);
  const closed = new Promise<void>((resolve) => stream.on('close', () => resolve()));
  stream.end();
  stream.resume();
  await closed;
  session.close();
});

test.run();
