import type { PrioritySpec } from '@strand/frame';
import type { HeaderList } from './http-semantics.js';
import type { Settings } from './settings.js';

/** What a header block on a stream was: decided by role and by what came before on that stream. */
export type HeadersKind = 'request' | 'response' | 'informational' | 'trailers';

/** Events `H2Connection.receive()` returns, in the order the frames that caused them arrived. */
export type H2Event =
  | { type: 'headers'; streamId: number; kind: HeadersKind; headers: HeaderList; endStream: boolean; priority?: PrioritySpec | undefined }
  | {
      type: 'data';
      streamId: number;
      data: Uint8Array;
      endStream: boolean;
      /** Payload plus padding: what counts toward flow control (pass `data.length` to consume()). */
      flowControlledLength: number;
    }
  /** The stream ended: RST_STREAM received (`remote`), a stream error we sent, or GOAWAY refused it (`retryable`). */
  | { type: 'streamReset'; streamId: number; errorCode: number; remote: boolean; retryable: boolean; message: string }
  /** Both directions are done and the stream left the store. */
  | { type: 'streamClosed'; streamId: number }
  | { type: 'pushPromise'; streamId: number; promisedStreamId: number; headers: HeaderList }
  /** The peer's SETTINGS were applied (and ACKed); `changed` lists the pairs as received. */
  | { type: 'remoteSettings'; settings: Readonly<Settings>; changed: Array<[number, number]> }
  /** The peer ACKed our SETTINGS; they are now in force. */
  | { type: 'localSettingsAcked'; settings: Readonly<Settings> }
  | { type: 'ping'; payload: Uint8Array }
  | { type: 'pingAck'; payload: Uint8Array; rttMs: number }
  | { type: 'goaway'; lastStreamId: number; errorCode: number; debugData: Uint8Array }
  | { type: 'priority'; streamId: number; priority: PrioritySpec }
  | { type: 'priorityUpdate'; streamId: number; fieldValue: string }
  | { type: 'altsvc'; streamId: number; origin: string; fieldValue: string }
  | { type: 'origin'; origins: string[] }
  | { type: 'unknownFrame'; frameType: number; flags: number; streamId: number; payload: Uint8Array }
  /** After submitData() returned false, the stream's queue fell below the 64 KiB high-water mark: write more. */
  | { type: 'drain'; streamId: number }
  /** We sent GOAWAY for a connection error (or the peer's preface was wrong); the connection is finished. */
  | { type: 'connectionError'; errorCode: number; message: string };
