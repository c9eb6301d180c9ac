// What the data path knows about one request, whatever protocol carried it: the shape both client sides (HTTP/2
// streams and HTTP/1.1 messages) produce and every upstream consumes.

/**
 * Header fields as ordered [name, value] pairs; names lowercase. Repeated names stay repeated. The data path never
 * modifies a field in place (only the URLRewrite filter rewrites `host` fields of its own copy), so a field may be
 * shared by several lists.
 */
export type HeaderList = Array<[string, string]>;
export type HeaderField = [string, string];

/** The client connection a request came on (one object per connection, shared by its requests). */
export interface ConnectionInfo {
  /** Process-unique connection number (access log %CONNECTION_ID%). */
  id: number;
  /** 'ip:port' of the client ('[v6]:port' for IPv6). */
  remote: string;
  /** 'ip:port' we accepted on. */
  local: string;
  /** TLS SNI, null on cleartext. */
  sni: string | null;
}

let nextConnectionId = 1;

function hostPort(address: string | undefined, port: number | undefined): string {
  const a = address ?? '';
  return a.includes(':') ? `[${a}]:${port ?? 0}` : `${a}:${port ?? 0}`;
}

/** Connection info of a socket (TLS sockets report their SNI). */
export function connectionInfo(socket: { remoteAddress?: string | undefined; remotePort?: number | undefined; localAddress?: string | undefined; localPort?: number | undefined; servername?: string | false | null }): ConnectionInfo {
  const sni = socket.servername;
  return {
    id: nextConnectionId++,
    remote: hostPort(socket.remoteAddress, socket.remotePort),
    local: hostPort(socket.localAddress, socket.localPort),
    sni: typeof sni === 'string' && sni !== '' ? sni : null,
  };
}

export interface RequestHead {
  method: string;
  /** 'http' or 'https': the transport the client reached us on (`secure`), never an HTTP/2 client's :scheme claim. */
  scheme: string;
  /** :authority, or Host for HTTP/1.1 (port included as received). */
  authority: string;
  /** :path including the query string. */
  path: string;
  /** :protocol of an RFC 8441 extended CONNECT ('websocket'), '' otherwise. */
  protocol: string;
  /** Regular fields only (no pseudo-headers), lowercase names, as received. */
  headers: HeaderList;
  /** True when the request has no body (END_STREAM on HEADERS, or no Content-Length/Transfer-Encoding). */
  endStream: boolean;
  /** HTTP version the client spoke: 1 (HTTP/1.x) or 2. */
  version: 1 | 2;
  /** The client's IP address (X-Forwarded-For). */
  remoteAddress: string;
  conn: ConnectionInfo;
  /** The client connection is TLS. */
  secure: boolean;
  /** Name of the listener that accepted the connection. */
  listener: string;
  /**
   * (HTTP/2 clients) The request's own :authority and :path fields as decoded: forwarded as they are when the target
   * is unchanged, so the common request allocates no new pseudo-header fields.
   */
  authorityField?: HeaderField;
  pathField?: HeaderField;
}

/** The first value of a field, or undefined. Names must be lowercase. */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  for (let i = 0; i < headers.length; i++) if (headers[i]![0] === name) return headers[i]![1];
  return undefined;
}

/** True when a content-type names gRPC (application/grpc, application/grpc+proto, ...), not gRPC-Web. */
export function isGrpcContentType(value: string | undefined): boolean {
  return value !== undefined && value.startsWith('application/grpc') && !value.startsWith('application/grpc-web');
}
