/**
 * Which fields the encoder adds to the dynamic table, and which it marks never-indexed.
 *
 * The table is small (4 KiB by default) and shared by every stream of a connection, so values that
 * are unique per message (ids, dates, lengths, validators, query strings) are sent as literals
 * without indexing: indexing them would only evict entries that do repeat. Credentials are sent as
 * never-indexed literals (§6.2.3, §7.1.3) so no intermediary re-compresses them.
 */

/** How a field that is not fully indexed is represented. */
export const INDEX = 0; // §6.2.1 literal with incremental indexing
export const NO_INDEX = 1; // §6.2.2 literal without indexing
export const NEVER_INDEX = 2; // §6.2.3 literal never indexed

/** Per-name policy kinds. */
export const NAME_DEFAULT = 0;
/** Always a never-indexed literal (credentials). */
export const NAME_NEVER = 1;
/** Never-indexed when the value is short enough to brute-force (nghttp2 does this for cookies). */
export const NAME_COOKIE = 2;
/** A literal without indexing: values unique per message. */
export const NAME_UNIQUE = 3;
/** `:path`: index plain paths, but not those with a query string or long ones. */
export const NAME_PATH = 4;

/** Cookies shorter than this are never indexed (§7.1.3). */
export const SHORT_COOKIE_LENGTH = 20;
/** Paths longer than this are not indexed: they rarely repeat. */
export const LONG_PATH_LENGTH = 128;

const NAME_POLICIES = new Map<string, number>([
  ['authorization', NAME_NEVER],
  ['proxy-authorization', NAME_NEVER],
  ['set-cookie', NAME_NEVER],
  ['cookie', NAME_COOKIE],
  [':path', NAME_PATH],
  ...[
    'age',
    'content-length',
    'content-md5',
    'content-range',
    'date',
    'digest',
    'etag',
    'expires',
    'if-match',
    'if-modified-since',
    'if-none-match',
    'if-range',
    'if-unmodified-since',
    'last-modified',
    'location',
    'request-id',
    'sentry-trace',
    'traceparent',
    'uber-trace-id',
    'x-amz-request-id',
    'x-amzn-requestid',
    'x-amzn-trace-id',
    'x-b3-parentspanid',
    'x-b3-spanid',
    'x-b3-traceid',
    'x-cloud-trace-context',
    'x-correlation-id',
    'x-request-id',
  ].map((name) => [name, NAME_UNIQUE] as [string, number]),
]);

/** The policy kind of a field name (NAME_DEFAULT for names with no special treatment). */
export function namePolicy(name: string): number {
  return NAME_POLICIES.get(name) ?? NAME_DEFAULT;
}

/**
 * Chooses the literal representation for a field that has no full match in the tables.
 * `maxEntrySize` is the largest entry worth indexing (a fraction of the table).
 */
export function chooseRepresentation(policy: number, value: string, entrySize: number, maxEntrySize: number): number {
  switch (policy) {
    case NAME_NEVER:
      return NEVER_INDEX;
    case NAME_COOKIE:
      if (value.length < SHORT_COOKIE_LENGTH) return NEVER_INDEX;
      break;
    case NAME_UNIQUE:
      return NO_INDEX;
    case NAME_PATH:
      if (value.length > LONG_PATH_LENGTH || value.includes('?')) return NO_INDEX;
      break;
  }
  return entrySize > maxEntrySize ? NO_INDEX : INDEX;
}
