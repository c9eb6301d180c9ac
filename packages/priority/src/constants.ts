/** RFC 7540 §5.3.2: weights are 1..256 (the wire carries weight − 1 in one byte). */
export const MIN_WEIGHT = 1;
export const MAX_WEIGHT = 256;
/** RFC 7540 §5.3.5: a stream without priority information depends on 0x0 with weight 16. */
export const DEFAULT_WEIGHT = 16;

/** RFC 9218 §4.1: urgency 0 (most urgent) .. 7, default 3. */
export const MIN_URGENCY = 0;
export const MAX_URGENCY = 7;
export const DEFAULT_URGENCY = 3;
/** RFC 9218 §4.2: responses are non-incremental unless told otherwise. */
export const DEFAULT_INCREMENTAL = false;

/** Default cap on tree nodes kept for idle and closed streams (RFC 7540 §5.3.4 lets a server drop them). */
export const DEFAULT_MAX_INACTIVE = 100;
/** Default cap on PRIORITY_UPDATE values buffered for streams that are not open yet (RFC 9218 §7.1). */
export const DEFAULT_MAX_PENDING_UPDATES = 100;
/** Bytes an incremental stream may send per round-robin turn (one default-size DATA frame). */
export const ROUND_ROBIN_QUANTUM = 16_384;
