// @grpc/grpc-js as the client of a strand server: unary calls need exact trailers (grpc-status after the body).
import * as grpc from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as strand from '../src/index.js';
import { closeServer, listen, readAll } from './node-helpers.js';

/** gRPC length-prefixed message (uncompressed). */
function frame(message: Buffer): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

function grpcServer(): strand.Http2Server {
  const server = strand.createServer();
  server.on('stream', async (stream: strand.ServerHttp2Stream, headers: strand.IncomingHttpHeaders) => {
    const body = await readAll(stream);
    const message = body.subarray(5, 5 + body.readUInt32BE(1));
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    if (headers[':path'] === '/test.Echo/Fail') {
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(grpc.status.NOT_FOUND), 'grpc-message': 'no such thing' }));
      stream.end();
      return;
    }
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(frame(Buffer.concat([Buffer.from('echo:'), message])));
  });
  return server;
}

function unary(client: grpc.Client, method: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      method,
      (value: Buffer) => value,
      (value: Buffer) => value,
      Buffer.from(payload),
      (error: grpc.ServiceError | null, value?: Buffer) => (error ? reject(error) : resolve(value!.toString())),
    );
  });
}

test('grpc-js unary calls: body then grpc-status trailers; an error status reaches the caller', async () => {
  const server = grpcServer();
  const port = await listen(server);
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  assert.is(await unary(client, '/test.Echo/Say', 'hi'), 'echo:hi');
  const many = await Promise.all(Array.from({ length: 20 }, (_, i) => unary(client, '/test.Echo/Say', `n${i}`)));
  assert.equal(many, Array.from({ length: 20 }, (_, i) => `echo:n${i}`));
  try {
    await unary(client, '/test.Echo/Fail', 'x');
    assert.unreachable();
  } catch (error) {
    assert.is((error as grpc.ServiceError).code, grpc.status.NOT_FOUND);
    assert.is((error as grpc.ServiceError).details, 'no such thing');
  }
  client.close();
  await closeServer(server);
});

test.run();
