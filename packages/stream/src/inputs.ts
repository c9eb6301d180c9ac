import { Flag, FrameType } from '@strand/frame';
import { StreamUsageError } from './usage-error.js';

/**
 * Inputs of the §5.1 state machine: a frame received or sent on the stream. END_STREAM is part of the input because
 * it changes the next state. A PUSH_PROMISE is two inputs: one for the stream it is sent on (the associated stream),
 * one for the stream it reserves (the promised stream). CONTINUATION belongs to its HEADERS and is left to the engine.
 */
export const Input = {
  RECV_HEADERS: 0,
  RECV_HEADERS_END_STREAM: 1,
  RECV_DATA: 2,
  RECV_DATA_END_STREAM: 3,
  RECV_PUSH_PROMISE: 4,
  RECV_PROMISED: 5,
  RECV_RST_STREAM: 6,
  RECV_WINDOW_UPDATE: 7,
  RECV_PRIORITY: 8,
  SEND_HEADERS: 9,
  SEND_HEADERS_END_STREAM: 10,
  SEND_DATA: 11,
  SEND_DATA_END_STREAM: 12,
  SEND_PUSH_PROMISE: 13,
  SEND_PROMISED: 14,
  SEND_RST_STREAM: 15,
  SEND_WINDOW_UPDATE: 16,
  SEND_PRIORITY: 17,
} as const;
export type InputValue = (typeof Input)[keyof typeof Input];
export type InputName = keyof typeof Input;

/** Number of columns of the transition table. */
export const INPUT_COUNT = 18;
/** `Input.SEND_x === Input.RECV_x + SEND_OFFSET`. */
export const SEND_OFFSET = 9;

/** Input names, indexed by input. */
export const INPUT_NAMES = Object.keys(Input) as readonly InputName[];

/**
 * The input for a frame header, or -1 for a frame type with no per-stream state (SETTINGS, PING, GOAWAY,
 * CONTINUATION, extensions). PUSH_PROMISE maps to the associated-stream input.
 */
export function inputOf(frameType: number, flags: number, sending: boolean): InputValue | -1 {
  const base = recvInputOf(frameType, flags);
  if (base < 0 || !sending) return base;
  return (base + SEND_OFFSET) as InputValue;
}

function recvInputOf(frameType: number, flags: number): InputValue | -1 {
  switch (frameType) {
    case FrameType.DATA:
      return flags & Flag.END_STREAM ? Input.RECV_DATA_END_STREAM : Input.RECV_DATA;
    case FrameType.HEADERS:
      return flags & Flag.END_STREAM ? Input.RECV_HEADERS_END_STREAM : Input.RECV_HEADERS;
    case FrameType.PUSH_PROMISE:
      return Input.RECV_PUSH_PROMISE;
    case FrameType.RST_STREAM:
      return Input.RECV_RST_STREAM;
    case FrameType.WINDOW_UPDATE:
      return Input.RECV_WINDOW_UPDATE;
    case FrameType.PRIORITY:
      return Input.RECV_PRIORITY;
    default:
      return -1;
  }
}

/** The input for `StreamStore.receive/send`; PUSH_PROMISE has its own methods because it names two streams. */
export function frameInput(streamId: number, frameType: number, flags: number, sending: boolean): InputValue {
  const input = inputOf(frameType, flags, sending);
  if (input < 0 || input === Input.RECV_PUSH_PROMISE || input === Input.SEND_PUSH_PROMISE) {
    const hint = frameType === FrameType.PUSH_PROMISE ? ' (use receivePushPromise/sendPushPromise)' : '';
    throw new StreamUsageError(`frame type 0x${frameType.toString(16)} has no stream transition${hint}`, streamId);
  }
  return input as InputValue;
}

const FRAME_LABELS = [
  'HEADERS',
  'HEADERS with END_STREAM',
  'DATA',
  'DATA with END_STREAM',
  'PUSH_PROMISE',
  'PUSH_PROMISE promising it',
  'RST_STREAM',
  'WINDOW_UPDATE',
  'PRIORITY',
];

/** Human text for an input, for error messages: "received DATA with END_STREAM". */
export function inputLabel(input: number): string {
  return input < SEND_OFFSET ? `received ${FRAME_LABELS[input]}` : `sending ${FRAME_LABELS[input - SEND_OFFSET]}`;
}
