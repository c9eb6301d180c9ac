// Option shareHeaderFields: indexed request fields are the HPACK table's own tuples, the same in every request that
// indexes them; by default each request gets its own. Lists stay per request either way.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { H2Event } from '../src/index.js';
import { RawClient, REQUEST } from './raw-peer.js';

type HeadersEvent = Extract<H2Event, { type: 'headers' }>;

function requests(c: RawClient): HeadersEvent[] {
  return c.events.filter((e): e is HeadersEvent => e.type === 'headers');
}

const WITH_AGENT: Array<[string, string]> = [...REQUEST, ['user-agent', 'test/1']];

test('with shareHeaderFields two requests share the tuples of their indexed fields, not their lists', () => {
  const c = new RawClient({ shareHeaderFields: true });
  c.headers(1, WITH_AGENT).headers(3, WITH_AGENT).flush();
  const [a, b] = requests(c);
  assert.equal(a!.headers, b!.headers);
  assert.ok(a!.headers !== b!.headers);
  const agentA = a!.headers.find((f) => f[0] === 'user-agent');
  const agentB = b!.headers.find((f) => f[0] === 'user-agent');
  assert.equal(agentA, ['user-agent', 'test/1']);
  assert.ok(agentA === agentB, 'the dynamic table entry is one tuple');
});

test('by default every request gets its own tuples', () => {
  const c = new RawClient();
  c.headers(1, WITH_AGENT).headers(3, WITH_AGENT).flush();
  const [a, b] = requests(c);
  assert.equal(a!.headers, b!.headers);
  for (let i = 0; i < a!.headers.length; i++) assert.ok(a!.headers[i] !== b!.headers[i], `field ${i}`);
});

test.run();
