// In-memory client ↔ server pair for engine tests: moves pull() bytes across until both sides are quiet.
import { H2Connection, type ConnectionOptions, type H2Event } from '../src/index.js';

export interface Pair {
  client: H2Connection;
  server: H2Connection;
  clientEvents: H2Event[];
  serverEvents: H2Event[];
  /** Exchanges bytes until nothing moves; `chunkSize` splits every write (1 = byte at a time). */
  run(chunkSize?: number): void;
}

export function pair(client: Partial<ConnectionOptions> = {}, server: Partial<ConnectionOptions> = {}): Pair {
  const p: Pair = {
    client: new H2Connection({ role: 'client', ...client }),
    server: new H2Connection({ role: 'server', ...server }),
    clientEvents: [],
    serverEvents: [],
    run(chunkSize = Infinity) {
      for (let round = 0; round < 10_000; round++) {
        const a = move(p.client, p.server, p.serverEvents, chunkSize);
        const b = move(p.server, p.client, p.clientEvents, chunkSize);
        p.clientEvents.push(...p.client.takeEvents());
        p.serverEvents.push(...p.server.takeEvents());
        if (!a && !b) return;
      }
      throw new Error('pair did not settle');
    },
  };
  return p;
}

function move(from: H2Connection, to: H2Connection, events: H2Event[], chunkSize: number): boolean {
  const chunks = from.pull();
  let moved = false;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += chunkSize) {
      moved = true;
      events.push(...to.receive(chunk.subarray(i, Math.min(chunk.length, i + chunkSize))));
    }
  }
  return moved;
}

export const GET: Array<[string, string]> = [
  [':method', 'GET'],
  [':scheme', 'https'],
  [':authority', 'example.com'],
  [':path', '/'],
];

export function ofType<T extends H2Event['type']>(events: H2Event[], type: T): Array<Extract<H2Event, { type: T }>> {
  return events.filter((e) => e.type === type) as Array<Extract<H2Event, { type: T }>>;
}
