import type { ReceiveWindow, SendWindow } from '@strand/flow';
import type { PrioritySpec } from '@strand/frame';
import type { HeaderList } from './http-semantics.js';

/** Where a stream's inbound header blocks are: decides what the next HEADERS means (RFC 9113 §8.1). */
export const RecvPhase = {
  /** Nothing yet: the next block is the request (server) or a response/1xx (client). */
  HEADERS: 0,
  /** Final headers received: DATA or trailers may follow. */
  BODY: 1,
  /** Trailers received (END_STREAM came with them). */
  DONE: 2,
} as const;

/** The engine's state for one stream, kept in `Stream.ext` of @strand/stream. */
/** The empty queue every stream starts with (frozen: a stray push throws instead of sharing data). */
const NO_QUEUE: Uint8Array[] = Object.freeze([]) as unknown as Uint8Array[];

export class StreamExt {
  readonly id: number;
  send: SendWindow;
  recv: ReceiveWindow;
  /** Outbound DATA not yet framed: chunks from `head` on; `headOffset` bytes of the first are already sent. */
  queue: Uint8Array[] = NO_QUEUE; // shared until the first enqueue: bodiless streams allocate none
  head = 0;
  headOffset = 0;
  queuedBytes = 0;
  /** END_STREAM goes out after the queue drains (with trailers if set). */
  endQueued = false;
  trailers: HeaderList | null = null;
  /** We have sent END_STREAM. */
  sentEnd = false;
  /** Our headers (request or final response) have been sent. */
  headersSent = false;
  recvPhase: number = RecvPhase.HEADERS;
  /** content-length of the inbound message, -1 when absent or not applicable (HEAD, 304). */
  expectedLength = -1;
  receivedLength = 0;
  /** Request method (client: ours, server: the peer's); HEAD responses carry no body. */
  method = '';
  /** The application was told the queue was over the low-water mark; tell it again when it drains. */
  wantDrain = false;
  /** For local streams waiting for a MAX_CONCURRENT_STREAMS slot: the request to send. */
  pendingHeaders: HeaderList | null = null;
  pendingPriority: PrioritySpec | null = null;
  /** 'streamClosed' was emitted. */
  closedReported = false;
  /** RFC 9218 priority (defaults u=3, i=false) and RFC 7540 dependency (defaults weight 16, parent 0). */
  urgency = 3;
  incremental = false;
  weight = 16;
  parent = 0;

  constructor(id: number, send: SendWindow, recv: ReceiveWindow) {
    this.id = id;
    this.send = send;
    this.recv = recv;
  }

  /** Appends outbound data (kept by reference). */
  enqueue(data: Uint8Array): void {
    if (data.length === 0) return;
    // The first chunk makes a one-element array (an empty one grown by push() starts with room for 16).
    if (this.queue === NO_QUEUE) this.queue = [data];
    else this.queue.push(data);
    this.queuedBytes += data.length;
  }

  /** Takes up to `max` bytes from the head chunk as a view; never spans chunks. */
  take(max: number): Uint8Array {
    const chunk = this.queue[this.head]!;
    const start = this.headOffset;
    const n = Math.min(max, chunk.length - start);
    this.queuedBytes -= n;
    if (start + n === chunk.length) {
      this.queue[this.head] = EMPTY;
      this.head++;
      this.headOffset = 0;
      if (this.head === this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
      } else if (this.head > 64 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      return start === 0 ? chunk : chunk.subarray(start);
    }
    this.headOffset = start + n;
    return chunk.subarray(start, start + n);
  }

  /** Replaces queued chunks that are views of `buffer` with copies (offsets unchanged); returns the bytes copied. */
  copyViewsOf(buffer: ArrayBufferLike): number {
    const queue = this.queue;
    let copied = 0;
    for (let i = this.head; i < queue.length; i++) {
      const chunk = queue[i]!;
      if (chunk.buffer !== buffer) continue;
      queue[i] = new Uint8Array(chunk); // a copy (a Buffer's slice() would be another view)
      copied += chunk.length;
    }
    return copied;
  }

  /** Whether the stream has something to frame: data, or a bare END_STREAM / trailers. */
  get hasOutput(): boolean {
    return this.queuedBytes > 0 || (this.endQueued && !this.sentEnd);
  }

  clearQueue(): void {
    if (this.queue !== NO_QUEUE) this.queue.length = 0;
    this.head = 0;
    this.headOffset = 0;
    this.queuedBytes = 0;
  }
}

const EMPTY = new Uint8Array(0);
