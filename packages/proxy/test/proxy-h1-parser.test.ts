// The HTTP/1.1 response parser of the upstream pool: framing (Content-Length, chunked with trailers, close-delimited,
// bodiless statuses, HEAD), 1xx, any split of the input, and the strictness that keeps a pooled connection in sync.
import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { HeaderList } from '../src/translate/head.js';
import { HeadMemo, ResponseParser, type ResponseSink } from '../src/upstream/h1-parser.js';

interface Trace {
  events: string[];
  body: string;
  parser: ResponseParser;
}

function parse(method: string, text: string, cuts: number[] = []): Trace {
  const trace: Trace = { events: [], body: '', parser: null as unknown as ResponseParser };
  const sink: ResponseSink = {
    onInformational: (s: number, h: HeaderList) => trace.events.push(`info ${s} ${JSON.stringify(h)}`),
    onHead: (s: number, h: HeaderList, keepAlive: boolean, hasBody: boolean) => trace.events.push(`head ${s} ${JSON.stringify(h)} keepAlive=${keepAlive} body=${hasBody}`),
    onBody: (c: Uint8Array, s: number, e: number) => (trace.body += Buffer.from(c.subarray(s, e)).toString('latin1')),
    onComplete: (t: HeaderList | null) => trace.events.push(`complete ${JSON.stringify(t)}`),
  };
  const parser = new ResponseParser(sink);
  trace.parser = parser;
  parser.expect(method);
  const bytes = Buffer.from(text, 'latin1');
  let at = 0;
  for (const c of cuts) {
    const end = Math.min(bytes.length, at + c);
    parser.push(bytes.subarray(at, end));
    at = end;
  }
  if (at < bytes.length) parser.push(bytes.subarray(at));
  return trace;
}

test('Content-Length body', () => {
  const t = parse('GET', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello');
  assert.equal(t.events, ['head 200 [["content-length","5"],["x-a","b"]] keepAlive=true body=true', 'complete null']);
  assert.is(t.body, 'hello');
});

test('Connection options are tokens: close and keep-alive in any case and spacing, not inside other names', () => {
  const keep = (text: string) => parse('GET', text).events[0]!.includes('keepAlive=true');
  assert.is(keep('HTTP/1.1 200 OK\r\nConnection: x-close-reason\r\nContent-Length: 0\r\n\r\n'), true);
  assert.is(keep('HTTP/1.1 200 OK\r\nConnection: foo , Close\r\nContent-Length: 0\r\n\r\n'), false);
  assert.is(keep('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n'), true);
  assert.is(keep('HTTP/1.0 200 OK\r\nConnection: x-keep-alive-ish\r\nContent-Length: 0\r\n\r\n'), false);
});

test('chunked body with extensions and trailers', () => {
  const t = parse('GET', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 42\r\nX-B: c\r\n\r\n');
  assert.is(t.body, 'hello world');
  assert.equal(t.events[1], 'complete [["x-sum","42"],["x-b","c"]]');
});

test('close-delimited body ends with the connection; not reusable', () => {
  const t = parse('GET', 'HTTP/1.1 200 OK\r\n\r\nuntil close');
  assert.is(t.events[0], 'head 200 [] keepAlive=false body=true');
  assert.ok(t.parser.untilClose);
  t.parser.end();
  assert.is(t.events[1], 'complete null');
  assert.is(t.body, 'until close');
});

test('HEAD, 204 and 304 have no body whatever Content-Length says', () => {
  for (const [method, status] of [['HEAD', 200], ['GET', 204], ['GET', 304]] as const) {
    const t = parse(method, `HTTP/1.1 ${status} X\r\nContent-Length: 10\r\n\r\n`);
    assert.is(t.events[1], 'complete null', `${method} ${status}`);
    assert.ok(t.parser.done);
  }
});

test('1xx responses (100, 103) precede the final one', () => {
  const t = parse('POST', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok');
  assert.equal(t.events, ['info 100 []', 'info 103 [["link","</a.css>; rel=preload"]]', 'head 201 [["content-length","2"]] keepAlive=true body=true', 'complete null']);
});

test('Connection: close and HTTP/1.0 responses are not reusable; HTTP/1.0 keep-alive is', () => {
  assert.not.ok(parse('GET', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').parser.reusable);
  assert.not.ok(parse('GET', 'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').parser.reusable);
  assert.ok(parse('GET', 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').parser.reusable);
});

test('any split of the input gives the same result (property)', () => {
  const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n';
  const whole = parse('GET', text);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 40 }), (cuts) => {
      const t = parse('GET', text, cuts);
      return t.body === whole.body && JSON.stringify(t.events) === JSON.stringify(whole.events);
    }),
    { numRuns: 1000 },
  );
});

const MALFORMED: Array<[string, string]> = [
  ['bad status line', 'HTTP/2 200 OK\r\n\r\n'],
  ['two Content-Length values', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
  ['signed Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
  ['obs-fold', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\nContent-Length: 0\r\n\r\n'],
  ['space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n'],
  ['bare LF', 'HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n'],
  ['bare CR in a value', 'HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n'],
  ['invalid chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
  ['chunk longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n'],
  ['bytes after the response', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naEXTRA'],
  ['101 on a pooled connection', 'HTTP/1.1 101 Switching Protocols\r\n\r\n'],
];

for (const [name, text] of MALFORMED) {
  test(`malformed response: ${name} → error`, () => {
    assert.throws(() => parse('GET', text));
  });
}

test('a connection closed mid-body is an error; Transfer-Encoding with Content-Length disables reuse', () => {
  const t = parse('GET', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
  assert.throws(() => t.parser.end());
  const both = parse('GET', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
  assert.is(both.body, 'abc');
  assert.not.ok(both.parser.reusable);
});

test('a connection reuses the fields of identical lines and re-reads changed ones (status line too)', () => {
  const heads: Array<[number, HeaderList]> = [];
  const sink: ResponseSink = {
    onInformational: () => undefined,
    onHead: (s: number, h: HeaderList) => heads.push([s, h]),
    onBody: () => undefined,
    onComplete: () => undefined,
  };
  const parser = new ResponseParser(sink);
  const send = (text: string) => {
    parser.expect('GET');
    parser.push(Buffer.from(text, 'latin1'));
  };
  send('HTTP/1.1 200 OK\r\nServer: b\r\nContent-Length: 2\r\nX-Id: 1\r\n\r\nok');
  send('HTTP/1.1 200 OK\r\nServer: b\r\nContent-Length: 2\r\nX-Id: 2\r\n\r\nok');
  send('HTTP/1.1 404 Not Found\r\nServer: b\r\nContent-Length: 0\r\n\r\n');
  assert.equal(heads.map(([s, h]) => [s, h]), [
    [200, [['server', 'b'], ['content-length', '2'], ['x-id', '1']]],
    [200, [['server', 'b'], ['content-length', '2'], ['x-id', '2']]],
    [404, [['server', 'b'], ['content-length', '0']]],
  ]);
  const [first, second, third] = heads.map(([, h]) => h) as [HeaderList, HeaderList, HeaderList];
  assert.ok(second[0] === first[0] && second[1] === first[1], 'identical lines give the same field');
  assert.ok(second[2] !== first[2] && third[1] !== first[1], 'changed lines are parsed again');
  assert.ok(third[0] === first[0]);
  // A cached line does not vouch for different bytes at its position: they are validated again.
  assert.throws(() => send('HTTP/1.1 200 OK\r\nServer b\r\nContent-Length: 0\r\n\r\n'));
});

test('bytes kept across pushes are copies: the caller may reuse its read buffer at once', () => {
  const heads: string[] = [];
  let body = '';
  const sink: ResponseSink = {
    onInformational: () => undefined,
    onHead: (s: number, h: HeaderList) => heads.push(`${s} ${JSON.stringify(h)}`),
    onBody: (c: Uint8Array, s: number, e: number) => (body += Buffer.from(c.subarray(s, e)).toString('latin1')),
    onComplete: () => undefined,
  };
  const parser = new ResponseParser(sink);
  const buffer = Buffer.alloc(64);
  const read = (text: string) => {
    buffer.fill(0);
    buffer.write(text, 'latin1');
    parser.push(buffer.subarray(0, text.length));
  };
  parser.expect('GET');
  read('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab');
  parser.expect('GET');
  read('HTTP/1.1 201 OK\r\nContent-Length: 3\r\n\r\ncde'); // same offsets, other bytes: the caches must see them
  parser.expect('GET');
  read('HTTP/1.1 200 OK\r\nConte'); // a head split across reads of the same buffer
  read('nt-Length: 1\r\n\r\nf');
  assert.equal(heads, ['200 [["content-length","2"]]', '201 [["content-length","3"]]', '200 [["content-length","1"]]']);
  assert.is(body, 'abcdef');
});

/** Parsers sharing one HeadMemo, as the connections of one pool do; each response through a fresh parser. */
function memoTrace(memo: HeadMemo, method: string, text: string, cuts: number[] = []): string[] {
  const events: string[] = [];
  let body = '';
  const sink: ResponseSink = {
    onInformational: (s: number) => events.push(`info ${s}`),
    onHead: (s: number, h: HeaderList, keepAlive: boolean, hasBody: boolean) => events.push(`head ${s} ${JSON.stringify(h)} keepAlive=${keepAlive} body=${hasBody}`),
    onBody: (c: Uint8Array, s: number, e: number) => (body += Buffer.from(c.subarray(s, e)).toString('latin1')),
    onComplete: () => events.push(`complete ${body}`),
  };
  const parser = new ResponseParser(sink, memo);
  parser.expect(method);
  const bytes = Buffer.from(text, 'latin1');
  let at = 0;
  for (const c of cuts) {
    parser.push(bytes.subarray(at, at + c));
    at += c;
  }
  if (at < bytes.length) parser.push(bytes.subarray(at));
  return events;
}

test('HeadMemo: the same head bytes are taken as parsed, whatever request they answer; other bytes are parsed', () => {
  const memo = new HeadMemo();
  const text = 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello';
  const first = memoTrace(memo, 'GET', text);
  assert.equal(first, ['head 200 [["content-length","5"],["connection","close"]] keepAlive=false body=true', 'complete hello']);
  assert.equal(memoTrace(memo, 'GET', text), first, 'a hit decides the same framing');
  assert.equal(memoTrace(memo, 'HEAD', 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\n'), [
    'head 200 [["content-length","5"],["connection","close"]] keepAlive=false body=false',
    'complete ',
  ], 'a HEAD request still has no body');
  assert.equal(memoTrace(memo, 'GET', 'HTTP/1.1 200 OK\r\ncontent-length: 6\r\nconnection: close\r\n\r\nhello!'), [
    'head 200 [["content-length","6"],["connection","close"]] keepAlive=false body=true',
    'complete hello!',
  ], 'one byte differs: parsed, and remembered instead');
  assert.equal(memoTrace(memo, 'GET', 'HTTP/1.1 200 OK\r\ncontent-length: 6\r\nconnection: close\r\n\r\nhello!', [20]).at(-1), 'complete hello!', 'a head split across reads');
  assert.equal(memoTrace(memo, 'GET', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n').at(-1), 'complete abc');
  assert.equal(memoTrace(memo, 'GET', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n').at(-1), 'complete de', 'chunked from the memo');
});

test('HeadMemo is consulted: a remembered head stands for its bytes (the test above can fail); 1xx heads are not kept', () => {
  const memo = new HeadMemo();
  const text = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok';
  memoTrace(memo, 'GET', 'HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n' + text);
  assert.is(Buffer.from(memo.last!.bytes).toString('latin1'), 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n');
  memo.last = { ...memo.last!, head: { ...memo.last!.head, status: 299 } };
  assert.is(memoTrace(memo, 'GET', text)[0], 'head 299 [["content-length","2"]] keepAlive=true body=true');
});

test.run();
