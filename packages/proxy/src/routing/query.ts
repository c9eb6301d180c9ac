// Query parameter lookup for HTTPQueryParamMatch without building a parsed query object: scans `a=1&b=2` in place.
// The first occurrence wins; names and values are percent-decoded only when they contain '%'.

function decode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Value of query parameter `name` in `path` (query starts after index `q`), or null. A bare `a` has value ''. */
export function queryValue(path: string, q: number, name: string): string | null {
  let start = q + 1;
  const len = path.length;
  while (start <= len) {
    let end = path.indexOf('&', start);
    if (end < 0) end = len;
    const eq = path.indexOf('=', start);
    const keyEnd = eq >= 0 && eq < end ? eq : end;
    const keyLen = keyEnd - start;
    if (keyLen === name.length ? path.startsWith(name, start) : keyLen > name.length && decode(path.slice(start, keyEnd)) === name) {
      return keyEnd === end ? '' : decode(path.slice(keyEnd + 1, end));
    }
    start = end + 1;
  }
  return null;
}
