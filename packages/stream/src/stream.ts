import type { StreamStateValue } from './states.js';

/** One live stream. The store owns `state`; `ext` is the engine's slot (windows, queues, the application object). */
export class Stream<T = undefined> {
  readonly id: number;
  /** True if this endpoint initiated the stream (sent its HEADERS, or promised it). */
  readonly local: boolean;
  /** Current §5.1 state. Read it, never write it: the store keeps its counters in step with it. */
  state: StreamStateValue;
  /** Engine data, set by the store's `init` option when the stream is created; the store never reads it. */
  ext: T;

  constructor(id: number, local: boolean, state: StreamStateValue, ext: T) {
    this.id = id;
    this.local = local;
    this.state = state;
    this.ext = ext;
  }
}
