// A scripted raw peer for engine tests: writes frames (valid or not) with FrameWriter, feeds them to an engine,
// and decodes what the engine answers.
import { CONNECTION_PREFACE, FrameDecoder, FrameType, FrameWriter, type Frame, type GoawayFrame } from '@strand/frame';
import { Encoder } from '@strand/hpack';
import { H2Connection, type ConnectionOptions, type H2Event } from '../src/index.js';

export class RawClient {
  readonly w = new FrameWriter();
  readonly hpack = new Encoder();
  readonly server: H2Connection;
  readonly events: H2Event[] = [];
  readonly frames: Frame[] = [];
  private readonly decoder = new FrameDecoder({ maxFrameSize: 16_777_215 });

  /** `ackSettings: false` leaves the server's SETTINGS unacknowledged (they stay pending on its side). */
  constructor(options: Partial<ConnectionOptions> = {}, ackSettings = true) {
    this.server = new H2Connection({ role: 'server', ...options });
    this.server.receive(new TextEncoder().encode(CONNECTION_PREFACE));
    this.w.settings([]);
    this.flush();
    if (!ackSettings) return;
    this.w.settingsAck();
    this.flush();
  }

  headers(id: number, headers: Array<[string, string]>, endStream = true): this {
    this.w.headers(id, this.hpack.encode(headers), { endStream });
    return this;
  }

  /** Sends what was written so far to the server and collects its answer. */
  flush(): this {
    for (const chunk of this.w.flush()) this.events.push(...this.server.receive(chunk));
    this.drain();
    return this;
  }

  /** Collects the server's pending output without sending anything. */
  drain(): this {
    for (const chunk of this.server.pull()) this.decoder.push(chunk);
    this.events.push(...this.server.takeEvents());
    for (let f = this.decoder.next(); f !== null; f = this.decoder.next()) this.frames.push(f);
    return this;
  }

  goaway(): GoawayFrame | undefined {
    return this.frames.find((f): f is GoawayFrame => f.type === FrameType.GOAWAY);
  }

  goawayText(): string {
    const g = this.goaway();
    return g === undefined ? '' : new TextDecoder().decode(g.debugData);
  }
}

export const REQUEST: Array<[string, string]> = [
  [':method', 'GET'],
  [':scheme', 'http'],
  [':authority', 'localhost'],
  [':path', '/'],
];
