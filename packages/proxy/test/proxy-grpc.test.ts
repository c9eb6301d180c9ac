// gRPC through the proxy: @grpc/grpc-js client → proxy → grpc-js server for the four call kinds, statuses and
// metadata in trailers, deadlines (grpc-timeout), proxy-made statuses (backend down → 14, timeout → 4) and gRPC-Web.
import * as grpc from '@grpc/grpc-js';
import * as http2 from 'node:http2';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProxy, type RunningProxy } from '../src/proxy.js';
import { cluster, config, h1Request, listener, route, standInRouter } from './proxy-fixtures.js';

const ident = (b: Buffer) => b;
const method = (name: string, requestStream: boolean, responseStream: boolean) => ({
  path: `/test.Echo/${name}`,
  requestStream,
  responseStream,
  requestSerialize: ident,
  requestDeserialize: ident,
  responseSerialize: ident,
  responseDeserialize: ident,
  originalName: name,
});
const SERVICE = {
  Unary: method('Unary', false, false),
  ServerStream: method('ServerStream', false, true),
  ClientStream: method('ClientStream', true, false),
  Bidi: method('Bidi', true, true),
  Fail: method('Fail', false, false),
  Slow: method('Slow', false, false),
} as grpc.ServiceDefinition;
const EchoClient = grpc.makeGenericClientConstructor(SERVICE, 'Echo');
type Callback = (error: grpc.ServiceError | null, value?: Buffer) => void;
type AnyClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

let server: grpc.Server;
let backendPort = 0;
let proxy: RunningProxy;
let port = 0;
let client: AnyClient;

test.before(async () => {
  server = new grpc.Server();
  server.addService(SERVICE, {
    Unary: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      const md = new grpc.Metadata();
      md.set('x-seen-via', String(call.metadata.get('via')[0] ?? ''));
      call.sendMetadata(md);
      cb(null, Buffer.concat([Buffer.from('echo:'), call.request]));
    },
    ServerStream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      const n = Number(call.request.toString());
      for (let i = 0; i < n; i++) call.write(Buffer.from(`m${i}`));
      call.end();
    },
    ClientStream: (call: grpc.ServerReadableStream<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      const parts: Buffer[] = [];
      call.on('data', (b: Buffer) => parts.push(b));
      call.on('end', () => cb(null, Buffer.from(parts.map((p) => p.toString()).join('+'))));
    },
    Bidi: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      call.on('data', (b: Buffer) => call.write(Buffer.from(b.toString().toUpperCase())));
      call.on('end', () => call.end());
    },
    Fail: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => {
      const md = new grpc.Metadata();
      md.set('x-detail', 'missing thing');
      cb({ code: grpc.status.NOT_FOUND, details: 'no such thing', metadata: md } as grpc.ServiceError);
    },
    Slow: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => {
      setTimeout(() => cb(null, Buffer.from('late')), 1000);
    },
  });
  backendPort = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const cfg = config(
    [listener('plain')],
    [route('dead', 'dead', '/dead.'), route('grpc', 'grpc', '/', { kind: 'GRPCRoute' })],
    [cluster('grpc', 'grpc', [backendPort]), cluster('dead', 'grpc', [1])],
  );
  proxy = await startProxy(cfg, { router: standInRouter });
  port = proxy.ports.get('plain')!;
  client = new EchoClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as AnyClient;
});

test.after(async () => {
  client.close();
  await proxy.shutdown(100);
  server.forceShutdown();
});

function unary(name: string, body: Buffer, options: grpc.CallOptions = {}): Promise<{ error: grpc.ServiceError | null; value?: Buffer; metadata?: grpc.Metadata }> {
  return new Promise((resolve) => {
    let metadata: grpc.Metadata | undefined;
    const call = client[name]!(body, new grpc.Metadata(), options, ((error, value) => resolve({ error, value, metadata })) as Callback) as grpc.ClientUnaryCall;
    call.on('metadata', (m: grpc.Metadata) => (metadata = m));
  });
}

test('unary call with response metadata; the backend saw Via', async () => {
  const { error, value, metadata } = await unary('Unary', Buffer.from('hi'));
  assert.is(error, null);
  assert.is(value!.toString(), 'echo:hi');
  assert.is(metadata!.get('x-seen-via')[0], '2 strand-proxy');
});

test('server streaming', async () => {
  const call = client['ServerStream']!(Buffer.from('5'), {}) as grpc.ClientReadableStream<Buffer>;
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    call.on('data', (b: Buffer) => got.push(b.toString()));
    call.on('end', () => resolve());
    call.on('error', reject);
  });
  assert.equal(got, ['m0', 'm1', 'm2', 'm3', 'm4']);
});

test('client streaming', async () => {
  const result = await new Promise<string>((resolve, reject) => {
    const call = client['ClientStream']!(((e, v) => (e ? reject(e) : resolve(v!.toString()))) as Callback) as grpc.ClientWritableStream<Buffer>;
    for (const s of ['a', 'b', 'c']) call.write(Buffer.from(s));
    call.end();
  });
  assert.is(result, 'a+b+c');
});

test('bidirectional streaming', async () => {
  const call = client['Bidi']!() as grpc.ClientDuplexStream<Buffer, Buffer>;
  const got: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    call.on('data', (b: Buffer) => {
      got.push(b.toString());
      if (got.length < 3) call.write(Buffer.from(`x${got.length}`));
      else call.end();
    });
    call.on('end', () => resolve());
    call.on('error', reject);
  });
  call.write(Buffer.from('x0'));
  await done;
  assert.equal(got, ['X0', 'X1', 'X2']);
});

test('error status, message and metadata arrive in trailers', async () => {
  const { error } = await unary('Fail', Buffer.from(''));
  assert.is(error!.code, grpc.status.NOT_FOUND);
  assert.is(error!.details, 'no such thing');
  assert.is(error!.metadata.get('x-detail')[0], 'missing thing');
});

test('deadline: the proxy honours grpc-timeout and answers DEADLINE_EXCEEDED itself', async () => {
  // A raw client so that only the proxy can produce the status (grpc-js would also enforce its own deadline).
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const req = session.request({ ':method': 'POST', ':path': '/test.Echo/Slow', 'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '100m' });
  req.end(Buffer.from([0, 0, 0, 0, 0]));
  const [headers, trailers] = await new Promise<[http2.IncomingHttpHeaders, http2.IncomingHttpHeaders | null]>((resolve) => {
    let h: http2.IncomingHttpHeaders = {};
    let t: http2.IncomingHttpHeaders | null = null;
    req.on('response', (x) => (h = x));
    req.on('trailers', (x) => (t = x));
    req.on('close', () => resolve([h, t]));
    req.resume();
  });
  session.close();
  assert.is(headers[':status'], 200);
  assert.is(headers['grpc-status'] ?? trailers?.['grpc-status'], '4');
});

test('grpc-js deadline through the proxy', async () => {
  const { error } = await unary('Slow', Buffer.from(''), { deadline: Date.now() + 150 });
  assert.is(error!.code, grpc.status.DEADLINE_EXCEEDED);
});

test('backend down → UNAVAILABLE (14) from the proxy, not a bare 502', async () => {
  const dead = new EchoClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as AnyClient;
  const deadMethod = { ...SERVICE['Unary']!, path: '/dead.Echo/Unary' };
  const DeadClient = grpc.makeGenericClientConstructor({ Unary: deadMethod } as grpc.ServiceDefinition, 'Dead');
  const c = new DeadClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as AnyClient;
  const error = await new Promise<grpc.ServiceError>((resolve) => c['Unary']!(Buffer.from('x'), ((e) => resolve(e!)) as Callback));
  assert.is(error.code, grpc.status.UNAVAILABLE);
  assert.match(error.details, /ECONNREFUSED|connect/);
  c.close();
  dead.close();
});

test('gRPC-Web (binary) over HTTP/1.1 is bridged: messages, then a trailer frame with grpc-status', async () => {
  const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, 2]), Buffer.from('yo')]);
  const res = await h1Request(port, { path: '/test.Echo/Unary', method: 'POST', headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1' }, body: frame });
  assert.is(res.status, 200);
  assert.is(res.headers['content-type'], 'application/grpc-web+proto');
  const body = res.body;
  assert.is(body[0], 0);
  const len = body.readUInt32BE(1);
  assert.is(body.subarray(5, 5 + len).toString(), 'echo:yo');
  const trailer = body.subarray(5 + len);
  assert.is(trailer[0], 0x80);
  assert.match(trailer.subarray(5).toString(), /grpc-status: 0\r\n/);
});

test('gRPC-Web text (base64) over HTTP/2 is bridged both ways', async () => {
  const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, 3]), Buffer.from('abc')]).toString('base64');
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const req = session.request({ ':method': 'POST', ':path': '/test.Echo/Unary', 'content-type': 'application/grpc-web-text', accept: 'application/grpc-web-text' });
  req.end(frame);
  const chunks: Buffer[] = [];
  const headers = await new Promise<http2.IncomingHttpHeaders>((resolve) => {
    let h: http2.IncomingHttpHeaders = {};
    req.on('response', (x) => (h = x));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(h));
  });
  session.close();
  assert.is(headers['content-type'], 'application/grpc-web-text+proto');
  const body = Buffer.from(Buffer.concat(chunks).toString(), 'base64');
  const len = body.readUInt32BE(1);
  assert.is(body.subarray(5, 5 + len).toString(), 'echo:abc');
  assert.match(body.subarray(5 + len + 5).toString(), /grpc-status: 0/);
});

test.run();
