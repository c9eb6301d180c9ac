// External clients against a strand server: curl (prior knowledge, TLS + ALPN, HTTP/1.1 fallback) and nghttp.
// Each test is skipped with a printed note when the tool is not installed.
import { execFile } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as strand from '../src/index.js';
import { closeServer, hasCommand, listen, TLS_CERT, TLS_KEY } from './node-helpers.js';

const HAS_CURL = hasCommand('curl');
const HAS_NGHTTP = hasCommand('nghttp');
if (!HAS_CURL) console.log('  note: curl not found, skipping the curl tests');
if (!HAS_NGHTTP) console.log('  note: nghttp not found, skipping the nghttp tests');

function run(command: string, args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve({ stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

function app(): strand.Http2Server {
  const server = strand.createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => {
      res.setHeader('x-proto', req.httpVersion);
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.url} ${size}\n`);
    });
  });
  return server;
}

function secureApp(): strand.Http2SecureServer {
  return strand.createSecureServer({ key: TLS_KEY, cert: TLS_CERT }, (req, res) => {
    res.setHeader('x-proto', req.httpVersion);
    res.end(`${req.method} ${req.url}\n`);
  });
}

test('curl --http2-prior-knowledge (cleartext): GET and POST', async () => {
  if (!HAS_CURL) return;
  const server = app();
  const port = await listen(server);
  const get = await run('curl', ['-sS', '-i', '--http2-prior-knowledge', `http://127.0.0.1:${port}/a?b=1`]);
  assert.match(get.stdout, /^HTTP\/2 200/);
  assert.match(get.stdout, /x-proto: 2\.0/);
  assert.match(get.stdout, /GET \/a\?b=1 0\n$/);
  const post = await run('curl', ['-sS', '--http2-prior-knowledge', '--data-binary', '@-', `http://127.0.0.1:${port}/up`], 'x'.repeat(100_000));
  assert.is(post.stdout, 'POST /up 100000\n');
  await closeServer(server);
});

test('curl HTTP/1.1 on the same cleartext port (fallback)', async () => {
  if (!HAS_CURL) return;
  const server = app();
  const port = await listen(server);
  const { stdout } = await run('curl', ['-sS', '-i', '--http1.1', `http://127.0.0.1:${port}/old`]);
  assert.match(stdout, /^HTTP\/1\.1 200 OK/);
  assert.match(stdout, /x-proto: 1\.1/i);
  assert.match(stdout, /GET \/old 0\n$/);
  await closeServer(server);
});

test('curl -k --http2 over TLS negotiates h2 by ALPN; --http1.1 gets the fallback', async () => {
  if (!HAS_CURL) return;
  const server = secureApp();
  const port = await listen(server);
  const h2 = await run('curl', ['-sS', '-k', '-i', '--http2', `https://127.0.0.1:${port}/tls`]);
  assert.match(h2.stdout, /^HTTP\/2 200/);
  assert.match(h2.stdout, /x-proto: 2\.0/);
  const h1 = await run('curl', ['-sS', '-k', '-i', '--http1.1', `https://127.0.0.1:${port}/tls1`]);
  assert.match(h1.stdout, /^HTTP\/1\.1 200/);
  assert.match(h1.stdout, /GET \/tls1\n$/);
  await closeServer(server);
});

test('nghttp -nv: frames of a cleartext exchange, graceful GOAWAY', async () => {
  if (!HAS_NGHTTP) return;
  const server = app();
  const port = await listen(server);
  const { stdout } = await run('nghttp', ['-nv', `http://127.0.0.1:${port}/frames`]);
  assert.match(stdout, /recv SETTINGS frame <length=\d+, flags=0x00, stream_id=0>/);
  assert.match(stdout, /recv SETTINGS frame <length=0, flags=0x01, stream_id=0>/);
  assert.match(stdout, /recv \(stream_id=13\) :status: 200/);
  assert.match(stdout, /recv (DATA|HEADERS) frame <length=\d+, flags=0x0[15], stream_id=13>/);
  assert.match(stdout, /send GOAWAY frame/);
  await closeServer(server);
});

test('nghttp over TLS', async () => {
  if (!HAS_NGHTTP) return;
  const server = secureApp();
  const port = await listen(server);
  const { stdout } = await run('nghttp', ['-nv', `https://127.0.0.1:${port}/secure`]);
  assert.match(stdout, /negotiated protocol: h2/);
  assert.match(stdout, /recv \(stream_id=13\) :status: 200/);
  await closeServer(server);
});

test.run();
