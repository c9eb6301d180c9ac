// @strand/connection/engine: the sans-IO engine alone. Nothing here (or below) imports from `node:`, so it runs in
// any JavaScript runtime; the Node layer is the package's main entry.
export { H2Connection } from './connection.js';
export type { H2Event, HeadersKind } from './events.js';
export type { ConnectionOptions, ConnectionLimits } from './options.js';
export { DEFAULT_LIMITS, DEFAULT_LOCAL_SETTINGS } from './options.js';
export { defaultSettings, type Settings } from './settings.js';
export { checkHeaderBlock, type HeaderList, type BlockKind } from './http-semantics.js';
export { AbuseGuard, DEFAULT_ABUSE_LIMITS, TokenBucket, type AbuseLimits } from './guard.js';
/** The stream-id table of @strand/stream, for per-stream maps above the engine (the Node layer, the proxy). */
export { IdMap } from '@strand/stream';
