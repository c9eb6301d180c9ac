// The effective configuration as plain JSON for the admin server's /config: Maps become objects, compiled regexes are
// dropped (their source stays in `value`), durations stay in ms, and secrets are replaced by "<redacted>": private
// key paths and the values of credential-bearing headers set by header modifiers.
import type { ProxyConfig } from './types.js';

const REDACTED = '<redacted>';
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token)$|secret|token|password/i;

function plain(value: unknown, key: string): unknown {
  if (value instanceof RegExp) return undefined;
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v, String(k))]));
  if (Array.isArray(value)) {
    // Header pairs [name, value] from header modifiers.
    if ((key === 'set' || key === 'add') && value.every((p) => Array.isArray(p) && p.length === 2)) {
      return value.map(([n, v]: [string, string]) => [n, SECRET_HEADERS.test(n) ? REDACTED : v]);
    }
    return value.map((v) => plain(v, key));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'keyFile') out[k] = REDACTED;
      else {
        const p = plain(v, k);
        if (p !== undefined) out[k] = p;
      }
    }
    return out;
  }
  return value;
}

/** JSON-ready copy of `config` with secrets redacted. */
export function redactedConfig(config: ProxyConfig): Record<string, unknown> {
  return plain(config, '') as Record<string, unknown>;
}
