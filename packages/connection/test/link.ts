// A client and a server H2Connection wired in memory, with every frame the client sends decoded, so engine tests can
// assert on the exact frames (here: the client's flow-control decisions).
import { CONNECTION_PREFACE, FrameDecoder, FrameType, frameTypeName, type Frame } from '@strand/frame';
import { H2Connection, type ConnectionOptions } from '../src/index.js';

export interface Link {
  c: H2Connection;
  s: H2Connection;
  /** Moves bytes both ways until neither side has more; the server's bytes reach the client in `cut`-octet pieces. */
  run(cut?: number): void;
  /** run(cut), then the frames the client sent since the last call as `TYPE stream` lines (`WINDOW_UPDATE stream +n`),
   *  SETTINGS left out. */
  take(cut?: number): string[];
}

export function link(client: Partial<ConnectionOptions>, server: Partial<ConnectionOptions> = {}): Link {
  const c = new H2Connection({ role: 'client', ...client });
  const s = new H2Connection({ role: 'server', ...server });
  const decoder = new FrameDecoder({ maxFrameSize: 16_777_215 });
  let skippedPreface = false;
  const sent: Frame[] = [];
  const run = (cut = Infinity) => {
    for (let round = 0; round < 100; round++) {
      let moved = false;
      for (const chunk of c.pull()) {
        moved = true;
        s.receive(chunk);
        decoder.push(skippedPreface ? chunk : chunk.subarray(CONNECTION_PREFACE.length)); // the preface is no frame
        skippedPreface = true;
      }
      for (const chunk of s.pull()) {
        moved = true;
        for (let at = 0; at < chunk.length; at += cut) c.receive(chunk.subarray(at, Math.min(chunk.length, at + cut)));
      }
      c.takeEvents();
      s.takeEvents();
      if (!moved) break;
    }
    for (let f = decoder.next(); f !== null; f = decoder.next()) sent.push(f);
  };
  const take = (cut = Infinity) => {
    run(cut);
    const out = sent.splice(0).map((f) => (f.type === FrameType.WINDOW_UPDATE ? `WINDOW_UPDATE ${f.streamId} +${f.increment}` : `${frameTypeName(f.type)} ${f.streamId}`));
    return out.filter((line) => !line.startsWith('SETTINGS'));
  };
  return { c, s, run, take };
}
