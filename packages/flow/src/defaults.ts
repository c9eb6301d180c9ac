/**
 * Default sizes and ratios. Every one can be overridden per window or per tuner; docs/flow.md explains the choices.
 * RFC 9113 only fixes 65,535 (§6.5.2, §6.9.2); the rest is local policy.
 */

/** Connection receive window we advertise right after the preface (one WINDOW_UPDATE on stream 0): 16 MiB. */
export const DEFAULT_CONNECTION_RECEIVE_WINDOW = 16 * 1024 * 1024;
/** Stream receive window we advertise as SETTINGS_INITIAL_WINDOW_SIZE: 1 MiB. */
export const DEFAULT_STREAM_RECEIVE_WINDOW = 1024 * 1024;
/** Send WINDOW_UPDATE once the returned-but-unannounced credit reaches this share of the target window. */
export const DEFAULT_UPDATE_RATIO = 0.25;
/** …and at least this many bytes (one default-sized DATA frame), so tiny frames never trigger an update each. */
export const DEFAULT_MIN_UPDATE = 16 * 1024;
/** Auto-tuning cap for the connection receive window: 64 MiB. */
export const DEFAULT_MAX_CONNECTION_WINDOW = 64 * 1024 * 1024;
/** Auto-tuning cap for one stream's receive window: 16 MiB. */
export const DEFAULT_MAX_STREAM_WINDOW = 16 * 1024 * 1024;
/** Double a window when at least this share of it was consumed within one round trip. */
export const DEFAULT_GROW_THRESHOLD = 2 / 3;
