// Engine (sans-IO): no node: imports below this line's modules.
export { H2Connection } from './engine/connection.js';
export type { H2Event, HeadersKind } from './engine/events.js';
export type { ConnectionOptions, ConnectionLimits } from './engine/options.js';
export { DEFAULT_LIMITS, DEFAULT_LOCAL_SETTINGS } from './engine/options.js';
export { defaultSettings, type Settings } from './engine/settings.js';
export { checkHeaderBlock, type HeaderList, type BlockKind } from './engine/http-semantics.js';

// Node layer.
export { EnginePump } from './node/pump.js';
export { AbuseGuard, DEFAULT_ABUSE_LIMITS, TokenBucket, type AbuseLimits } from './engine/guard.js';
