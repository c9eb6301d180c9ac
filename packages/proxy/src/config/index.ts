// Control side of strand-proxy: configuration (our schema + Gateway API routes), validation, hot reload, `check`.
export * from './types.js';
export { loadConfig, parseConfig, parseConfigTexts, type LoadOptions } from './load.js';
export { embeddedDefaultConfig, EMBEDDED_DEFAULT_YAML, EMBEDDED_DEFAULT_SOURCE } from './defaults.js';
export { checkCommand } from './check.js';
export { ConfigWatcher, type WatchOptions } from './watch.js';
export { redactedConfig } from './redact.js';
export { parseDuration, formatDuration } from './duration.js';
export { DEFAULT_LIMITS } from './native.js';
