// req.headers of the compat layer: the stream's header object plus what HTTP/1 frameworks look for — host from
// :authority (RFC 9113 §8.3.1) and, for a body of unknown length, transfer-encoding: chunked (type-is's "has a body").
// The additions go into a copy built in one go: a field added to the stream's object after toHeaderObject() gave it
// its null prototype costs V8 a fresh hidden class per request (≈ 0.7–2 µs), where the copy costs ≈ 0.1 µs.
import { HEADERS_PROTOTYPE, sensitiveHeaders, type IncomingHttpHeaders } from './headers.js';

/** `headers` as the compat request shows them; the stream's own object when nothing is added. */
export function requestHeaders(headers: IncomingHttpHeaders, bodyFollows: boolean): IncomingHttpHeaders {
  const authority = headers[':authority'];
  const addHost = headers.host === undefined && authority !== undefined;
  const addChunked = bodyFollows && headers['content-length'] === undefined;
  if (!addHost && !addChunked) return headers;
  // Built on the received objects' prototype (fast mode), then given their null prototype.
  const out: IncomingHttpHeaders = Object.create(HEADERS_PROTOTYPE);
  for (const name in headers) out[name] = headers[name];
  if (addHost) out.host = authority as string;
  if (addChunked) out['transfer-encoding'] = 'chunked';
  const sensitive = (headers as { [sensitiveHeaders]?: string[] })[sensitiveHeaders];
  if (sensitive !== undefined) (out as { [sensitiveHeaders]?: string[] })[sensitiveHeaders] = sensitive;
  Object.setPrototypeOf(out, null);
  return out;
}
