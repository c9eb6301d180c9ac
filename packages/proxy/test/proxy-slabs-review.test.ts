// Review of reused upstream read slabs (upstream/slabs.ts): what a slab's holder list keeps alive while the slab is
// being filled.
import * as http2 from 'node:http2';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startProxy } from '../src/proxy.js';
import { Slab, upstreamSlabs } from '../src/upstream/slabs.js';
import { cluster, config, h1Request, h2Backend, h2Request, listener, route, sleep, standInRouter } from './proxy-fixtures.js';

test('closed client connections do not stay registered on the slab being filled (small responses, one per connection)', async () => {
  const backend = await h2Backend((stream) => {
    stream.on('error', () => undefined);
    stream.respond({ ':status': 200 });
    stream.end('x'.repeat(200));
  });
  // Every slab the proxy's new upstream connection takes (the pool is the process's).
  const taken: Slab[] = [];
  const take = upstreamSlabs.take;
  upstreamSlabs.take = function (this: typeof upstreamSlabs): Slab {
    const slab = take.call(this);
    taken.push(slab);
    return slab;
  };
  const proxy = await startProxy(config([listener('p')], [route('r', 'c', '/')], [cluster('c', 'h2c', [backend.port])]), { router: standInRouter });
  const port = proxy.ports.get('p')!;
  const N = 150;
  try {
    for (let i = 0; i < N; i++) {
      const h1 = await h1Request(port, { path: `/a/${i}`, headers: { connection: 'close' } });
      assert.is(h1.body.length, 200);
      const session = http2.connect(`http://127.0.0.1:${port}`);
      const h2 = await h2Request(session, { ':path': `/b/${i}` });
      assert.is(h2.body.length, 200);
      await new Promise<void>((resolve) => session.close(resolve));
    }
    await sleep(50);
    // 300 connections came and went, each given views of the same slab (300 small responses are far from 1 MiB).
    const registered = taken.reduce((n, s) => n + s.holders.length, 0);
    assert.ok(registered < N, `holders still registered for closed connections: ${registered}`);
  } finally {
    upstreamSlabs.take = take;
    await proxy.shutdown(50);
    await backend.close();
  }
});

test('Slab.hold: past 64 holders the gone ones are dropped; live ones and those that cannot tell stay, in order', () => {
  const slab = new Slab(16);
  const live = { holdsSlabBytes: () => true, gone: () => false };
  const unknown = { holdsSlabBytes: () => true };
  let goneAsked = 0;
  const gone = { holdsSlabBytes: () => false, gone: () => (goneAsked++, true) };
  slab.hold(live);
  slab.hold(unknown);
  for (let i = 0; i < 61; i++) slab.hold(gone);
  assert.is(slab.holders.length, 63, 'below the mark nothing is asked');
  assert.is(goneAsked, 0);
  slab.hold(gone);
  assert.equal(slab.holders, [live, unknown]);
  for (let i = 0; i < 61; i++) slab.hold(gone);
  assert.is(slab.holders.length, 63, 'the next pruning comes after as many registrations again');
});

test.run();
