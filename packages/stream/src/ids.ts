import { MAX_STREAM_ID } from '@strand/frame';

/** True for 1 .. 2^31-1, the identifiers a stream can have (§5.1.1; 0 is the connection). */
export function isStreamId(id: number): boolean {
  return id >= 1 && id <= MAX_STREAM_ID && Math.floor(id) === id;
}

/** True for odd ids, the ones clients initiate (§5.1.1). */
export function isClientStreamId(id: number): boolean {
  return (id & 1) === 1;
}
