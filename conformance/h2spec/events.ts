// What a case can observe on its connection, and how an observation reads in a report.
import { FrameType, UNKNOWN_FRAME_TYPE, errorCodeName, frameTypeName } from '@strand/frame';
import type { WireFrame } from './reader.js';

export type ConnEvent =
  | { kind: 'frame'; frame: WireFrame }
  /** The server closed (FIN) or reset the TCP connection. */
  | { kind: 'closed' }
  /** Nothing arrived within the case timeout. */
  | { kind: 'timeout' }
  /** The socket failed in a way other than a close or reset, or the server sent an undecodable frame. */
  | { kind: 'error'; message: string };

export type FrameOf<T extends number> = Extract<WireFrame, { type: T }>;

export function isType<T extends number>(frame: WireFrame, type: T): frame is FrameOf<T> {
  return frame.type === type;
}

/** Error code of RST_STREAM or GOAWAY; -1 for other frames. */
export function errorCodeOf(frame: WireFrame): number {
  return frame.type === FrameType.RST_STREAM || frame.type === FrameType.GOAWAY ? frame.errorCode : -1;
}

export function endsStream(frame: WireFrame): boolean {
  return (frame.type === FrameType.DATA || frame.type === FrameType.HEADERS) && frame.endStream;
}

export function isAck(frame: WireFrame): boolean {
  return (frame.type === FrameType.SETTINGS || frame.type === FrameType.PING) && frame.ack;
}

/** Lower-case hex of `data`, for report lines. */
export function hex(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
}

function details(f: WireFrame): string {
  switch (f.type) {
    case FrameType.DATA:
      return `, length:${f.flowControlledLength}`;
    case FrameType.GOAWAY:
      return `, last_stream:${f.lastStreamId}, error:${errorCodeName(f.errorCode)}`;
    case FrameType.RST_STREAM:
      return `, error:${errorCodeName(f.errorCode)}`;
    case FrameType.PING:
      return `, data:${hex(f.opaqueData)}`;
    case FrameType.WINDOW_UPDATE:
      return `, increment:${f.increment}`;
    default:
      return '';
  }
}

/** One line for a report, e.g. `GOAWAY frame (flags:0x00, stream:0, last_stream:1, error:PROTOCOL_ERROR)`. */
export function describe(event: ConnEvent | undefined): string {
  if (!event) return 'Nothing';
  switch (event.kind) {
    case 'closed':
      return 'Connection closed';
    case 'timeout':
      return 'Timeout';
    case 'error':
      return `Error: ${event.message}`;
  }
  const f = event.frame;
  const name = f.type === UNKNOWN_FRAME_TYPE ? frameTypeName(f.frameType) : frameTypeName(f.type);
  return `${name} frame (flags:0x${f.flags.toString(16).padStart(2, '0')}, stream:${f.streamId}${details(f)})`;
}

export function describeFrame(frame: WireFrame): string {
  return describe({ kind: 'frame', frame });
}

/** Expectation line for a GOAWAY or RST_STREAM carrying `code`. */
export function expectedFrame(type: 'GOAWAY' | 'RST_STREAM', code: number): string {
  return `${type} frame (error:${errorCodeName(code)})`;
}
