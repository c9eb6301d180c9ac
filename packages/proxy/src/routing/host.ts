// Request host normalisation for routing: the :authority / Host value without port, without a trailing dot, in
// lowercase (RFC 9110 §4.2.3: the host is case-insensitive). Allocates only when something must change.

function hasUpper(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

export function routingHost(authority: string): string {
  let end = authority.length;
  if (authority.charCodeAt(0) === 91 /* [ */) {
    const close = authority.indexOf(']');
    if (close > 0) end = close + 1;
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon >= 0) end = colon;
  }
  if (end > 0 && authority.charCodeAt(end - 1) === 46 /* . */) end--;
  const host = end === authority.length ? authority : authority.slice(0, end);
  return hasUpper(host) ? host.toLowerCase() : host;
}

/** The port of an authority ('' when none). */
export function authorityPort(authority: string): string {
  const close = authority.charCodeAt(0) === 91 ? authority.indexOf(']') : -1;
  const colon = authority.lastIndexOf(':');
  return colon > close ? authority.slice(colon + 1) : '';
}
