export { StreamState, STATE_NAMES, STATE_COUNT, isActive, isClosed, type StreamStateValue } from './states.js';
export { Input, INPUT_NAMES, INPUT_COUNT, SEND_OFFSET, inputOf, type InputName, type InputValue } from './inputs.js';
export { TABLE, transition, type Outcome } from './table.js';
export { isStreamId, isClientStreamId } from './ids.js';
export { Stream } from './stream.js';
export { StreamStore, DEFAULT_CLOSED_MEMORY, type Role, type StreamCounters, type StreamStoreOptions } from './store.js';
export { StreamUsageError } from './usage-error.js';
export { IdMap } from './id-map.js';
