// Envoy-style access-log command operators (`%RESPONSE_CODE%`, `%REQ(X-REQUEST-ID)%`, `%START_TIME(%s)%`, ...)
// compiled once into a function LogRecord → one JSON line. As in Envoy's typed JSON format, a field that is exactly one
// operator keeps its type (numbers stay numbers, a missing value is null); a field mixing text and operators is a
// string in which missing values print as "-". Operator names and semantics follow Envoy's access-log docs.
import { hostname as osHostname } from 'node:os';
import type { HeaderSource, LogRecord } from '../config/types.js';
import { didYouMean } from '../config/suggest.js';

type Value = string | number | null;
type Getter = (r: LogRecord) => Value;

export class FormatError extends Error {}

function lookup(headers: HeaderSource | null, name: string): string | null {
  if (headers === null) return null;
  if (headers instanceof Map) return (headers as ReadonlyMap<string, string>).get(name) ?? null;
  const list = headers as ReadonlyArray<readonly [string, string]>;
  let found: string | null = null;
  for (let i = 0; i < list.length; i++) {
    const h = list[i]!;
    if (h[0] === name) found = found === null ? h[1] : `${found},${h[1]}`;
  }
  return found;
}

function requestHeader(r: LogRecord, name: string, stripQuery: boolean): string | null {
  let v: string | null;
  switch (name) {
    case ':method':
      return r.method;
    case ':path':
      v = r.path;
      break;
    case ':authority':
      return r.authority;
    case ':scheme':
      return r.scheme;
    default:
      v = lookup(r.requestHeaders, name);
      if (v === null && name === 'host') v = r.authority;
  }
  if (stripQuery && v !== null) {
    const q = v.indexOf('?');
    if (q >= 0) v = v.slice(0, q);
  }
  return v;
}

function withoutPort(address: string | null): string | null {
  if (address === null) return null;
  if (address.startsWith('[')) return address.slice(1, address.indexOf(']'));
  const colon = address.lastIndexOf(':');
  return colon > 0 && address.indexOf(':') === colon ? address.slice(0, colon) : address;
}

const GRPC_CODES = [
  'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted',
  'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated',
];
const SNAKE = (s: string): string => (s === 'Canceled' ? 'CANCELLED' : s.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase());

function grpcStatus(r: LogRecord, style: string): Value {
  const raw = lookup(r.responseTrailers, 'grpc-status') ?? lookup(r.responseHeaders, 'grpc-status');
  if (raw === null) return null;
  const n = Number(raw);
  if (style === 'NUMBER') return n;
  const name = GRPC_CODES[n];
  if (name === undefined) return raw;
  return style === 'SNAKE_STRING' ? SNAKE(name) : name;
}

// ---- START_TIME: a strftime subset, always UTC ----
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

type TimePart = string | ((d: Date, ms: number) => string);

function compileTime(fmt: string): (ms: number) => string {
  const parts: TimePart[] = [];
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      parts.push(c);
      continue;
    }
    let spec = fmt[++i];
    let digits = 9;
    if (spec !== undefined && spec >= '1' && spec <= '9' && fmt[i + 1] === 'f') {
      digits = Number(spec);
      spec = fmt[++i];
    }
    switch (spec) {
      case 'Y': parts.push((d) => String(d.getUTCFullYear())); break;
      case 'y': parts.push((d) => pad(d.getUTCFullYear() % 100)); break;
      case 'm': parts.push((d) => pad(d.getUTCMonth() + 1)); break;
      case 'd': parts.push((d) => pad(d.getUTCDate())); break;
      case 'H': parts.push((d) => pad(d.getUTCHours())); break;
      case 'M': parts.push((d) => pad(d.getUTCMinutes())); break;
      case 'S': parts.push((d) => pad(d.getUTCSeconds())); break;
      case 's': parts.push((_d, ms) => String(Math.floor(ms / 1000))); break;
      case 'F': parts.push((d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`); break;
      case 'T': parts.push((d) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`); break;
      case 'a': parts.push((d) => DAYS[d.getUTCDay()]!); break;
      case 'b': parts.push((d) => MONTHS[d.getUTCMonth()]!); break;
      case 'j': parts.push((d) => pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3)); break;
      case 'z': parts.push('+0000'); break;
      case 'Z': parts.push('UTC'); break;
      case 'f': {
        const n = digits;
        parts.push((_d, ms) => (pad(Math.floor(ms) % 1000, 3) + '000000').slice(0, n));
        break;
      }
      case '%': parts.push('%'); break;
      default:
        throw new FormatError(`unsupported START_TIME specifier "%${spec ?? ''}" (supported: %Y %y %m %d %H %M %S %s %F %T %a %b %j %z %Z %f %3f %6f %9f %%)`);
    }
  }
  return (ms) => {
    const d = new Date(ms);
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(d, ms);
    return out;
  };
}

/** Envoy operators that exist but that strand-proxy has no data for: accepted, always null. */
const ALWAYS_NULL = new Set([
  'DYNAMIC_METADATA', 'CLUSTER_METADATA', 'UPSTREAM_METADATA', 'FILTER_STATE', 'UPSTREAM_FILTER_STATE', 'DOWNSTREAM_PEER_SUBJECT',
  'DOWNSTREAM_PEER_ISSUER', 'DOWNSTREAM_PEER_URI_SAN', 'DOWNSTREAM_LOCAL_URI_SAN', 'DOWNSTREAM_PEER_FINGERPRINT_256', 'DOWNSTREAM_TLS_VERSION',
  'DOWNSTREAM_TLS_CIPHER', 'DOWNSTREAM_TLS_SESSION_ID', 'UPSTREAM_TLS_VERSION', 'UPSTREAM_TLS_CIPHER', 'VIRTUAL_CLUSTER_NAME', 'REQUEST_DURATION',
  'REQUEST_TX_DURATION', 'RESPONSE_TX_DURATION', 'UPSTREAM_WIRE_BYTES_SENT', 'UPSTREAM_WIRE_BYTES_RECEIVED', 'DOWNSTREAM_WIRE_BYTES_SENT',
  'DOWNSTREAM_WIRE_BYTES_RECEIVED', 'UPSTREAM_CONNECTION_ID', 'STREAM_ID', 'UNIQUE_ID', 'TRACE_ID',
]);

const NO_ARG: Record<string, Getter> = {
  PROTOCOL: (r) => r.protocol,
  RESPONSE_CODE: (r) => r.responseCode,
  RESPONSE_CODE_DETAILS: (r) => r.responseCodeDetails,
  RESPONSE_FLAGS: (r) => (r.responseFlags === '' ? null : r.responseFlags),
  BYTES_RECEIVED: (r) => r.bytesReceived,
  BYTES_SENT: (r) => r.bytesSent,
  DURATION: (r) => Math.floor(r.durationMs), // whole ms, truncated like Envoy's duration_cast
  RESPONSE_DURATION: (r) => (r.responseDurationMs === null ? null : Math.floor(r.responseDurationMs)),
  UPSTREAM_HOST: (r) => r.upstreamHost,
  UPSTREAM_CLUSTER: (r) => r.upstreamCluster,
  UPSTREAM_LOCAL_ADDRESS: (r) => r.upstreamLocalAddress,
  UPSTREAM_TRANSPORT_FAILURE_REASON: (r) => r.upstreamTransportFailureReason,
  UPSTREAM_REQUEST_ATTEMPT_COUNT: (r) => r.upstreamAttempts,
  DOWNSTREAM_REMOTE_ADDRESS: (r) => r.downstreamRemoteAddress,
  DOWNSTREAM_DIRECT_REMOTE_ADDRESS: (r) => r.downstreamRemoteAddress,
  DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: (r) => withoutPort(r.downstreamRemoteAddress),
  DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT: (r) => withoutPort(r.downstreamRemoteAddress),
  DOWNSTREAM_LOCAL_ADDRESS: (r) => r.downstreamLocalAddress,
  DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT: (r) => withoutPort(r.downstreamLocalAddress),
  REQUESTED_SERVER_NAME: (r) => r.requestedServerName,
  ROUTE_NAME: (r) => r.routeName,
  CONNECTION_ID: (r) => r.connectionId,
  CONNECTION_TERMINATION_DETAILS: (r) => r.connectionTerminationDetails,
};

const ARG_OPERATORS = ['START_TIME', 'REQ', 'REQUEST_HEADER', 'RESP', 'RESPONSE_HEADER', 'TRAILER', 'RESPONSE_TRAILER', 'REQ_WITHOUT_QUERY', 'GRPC_STATUS', 'GRPC_STATUS_NUMBER', 'HOSTNAME', 'ENVIRONMENT'];
const ALL_OPERATORS = [...Object.keys(NO_ARG), ...ARG_OPERATORS, ...ALWAYS_NULL];

function headerGetter(op: string, arg: string): Getter {
  const [main, alt, extra] = arg.split('?').map((s) => s.trim().toLowerCase());
  if (main === undefined || main === '' || extra !== undefined || alt === '') throw new FormatError(`%${op}(...)% needs a header name, optionally "NAME?ALTERNATIVE"`);
  const first = main;
  const second = alt ?? null;
  switch (op) {
    case 'REQ':
    case 'REQUEST_HEADER':
    case 'REQ_WITHOUT_QUERY': {
      const strip = op === 'REQ_WITHOUT_QUERY';
      return (r) => requestHeader(r, first, strip) ?? (second === null ? null : requestHeader(r, second, strip));
    }
    case 'RESP':
    case 'RESPONSE_HEADER':
      return (r) => lookup(r.responseHeaders, first) ?? (second === null ? null : lookup(r.responseHeaders, second));
    default:
      return (r) => lookup(r.responseTrailers, first) ?? (second === null ? null : lookup(r.responseTrailers, second));
  }
}

function operator(name: string, arg: string | undefined): Getter {
  if (ALWAYS_NULL.has(name)) return () => null;
  const plain = NO_ARG[name];
  if (plain !== undefined) {
    if (arg !== undefined) throw new FormatError(`%${name}% takes no argument`);
    return plain;
  }
  switch (name) {
    case 'START_TIME': {
      if (arg === undefined || arg === '') return (r) => new Date(r.startTime).toISOString();
      const fmt = compileTime(arg);
      return (r) => fmt(r.startTime);
    }
    case 'REQ':
    case 'REQUEST_HEADER':
    case 'RESP':
    case 'RESPONSE_HEADER':
    case 'TRAILER':
    case 'RESPONSE_TRAILER':
    case 'REQ_WITHOUT_QUERY':
      if (arg === undefined) throw new FormatError(`%${name}(HEADER)% needs a header name`);
      return headerGetter(name, arg);
    case 'GRPC_STATUS':
    case 'GRPC_STATUS_NUMBER': {
      const style = name === 'GRPC_STATUS_NUMBER' ? 'NUMBER' : arg ?? 'CAMEL_STRING';
      if (!['CAMEL_STRING', 'SNAKE_STRING', 'NUMBER'].includes(style)) throw new FormatError(`%GRPC_STATUS(${arg})%: use CAMEL_STRING, SNAKE_STRING or NUMBER`);
      return (r) => grpcStatus(r, style);
    }
    case 'HOSTNAME': {
      const host = osHostname();
      return () => host;
    }
    case 'ENVIRONMENT': {
      if (arg === undefined || arg === '') throw new FormatError('%ENVIRONMENT(NAME)% needs a variable name');
      const value = process.env[arg] ?? null;
      return () => value;
    }
    default:
      throw new FormatError(`unknown access log operator %${name}%${didYouMean(name, ALL_OPERATORS)}`);
  }
}

const OPERATOR = /%([A-Z][A-Z0-9_]*)(?:\(([^)]*)\))?(?::([0-9]+))?%/y;

/** Compiles one format string into literal text and operators. Throws FormatError. */
export function compileFormat(format: string): Array<string | Getter> {
  const parts: Array<string | Getter> = [];
  let text = '';
  for (let i = 0; i < format.length; ) {
    if (format[i] !== '%') {
      text += format[i++];
      continue;
    }
    OPERATOR.lastIndex = i;
    const m = OPERATOR.exec(format);
    if (m === null) throw new FormatError(`unterminated or malformed operator at column ${i + 1}: ${JSON.stringify(format.slice(i, i + 30))}`);
    if (text !== '') parts.push(text);
    text = '';
    const get = operator(m[1]!, m[2]);
    const max = m[3] === undefined ? 0 : Number(m[3]);
    parts.push(max === 0 ? get : (r: LogRecord) => { const v = get(r); return typeof v === 'string' && v.length > max ? v.slice(0, max) : v; });
    i = OPERATOR.lastIndex;
  }
  if (text !== '' || parts.length === 0) parts.push(text);
  return parts;
}

/** A field renderer producing already-JSON-encoded text. */
type JsonField = (r: LogRecord) => string;

function jsonField(parts: Array<string | Getter>): JsonField {
  if (parts.length === 1) {
    const only = parts[0]!;
    if (typeof only === 'string') {
      const encoded = JSON.stringify(only);
      return () => encoded;
    }
    return (r) => {
      const v = only(r);
      return v === null ? 'null' : typeof v === 'number' ? String(v) : JSON.stringify(v);
    };
  }
  return (r) => {
    let s = '';
    for (const p of parts) {
      if (typeof p === 'string') s += p;
      else {
        const v = p(r);
        s += v === null ? '-' : v;
      }
    }
    return JSON.stringify(s);
  };
}

/** Compiles `{ json key: format }` into LogRecord → `{"key":value,...}\n`. Throws FormatError naming the key. */
export function compileAccessLog(fields: Record<string, string>): (r: LogRecord) => string {
  const keys: string[] = [];
  const renderers: JsonField[] = [];
  for (const [key, format] of Object.entries(fields)) {
    try {
      renderers.push(jsonField(compileFormat(format)));
    } catch (e) {
      if (e instanceof FormatError) throw new FormatError(`${key}: ${e.message}`);
      throw e;
    }
    keys.push((keys.length === 0 ? '{' : ',') + JSON.stringify(key) + ':');
  }
  const n = keys.length;
  if (n === 0) return () => '{}\n';
  return (r) => {
    let line = '';
    for (let i = 0; i < n; i++) line += keys[i]! + renderers[i]!(r);
    return line + '}\n';
  };
}

/** Envoy Gateway's default JSON access-log fields (less what strand-proxy cannot know). */
export const DEFAULT_ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  start_time: '%START_TIME%',
  method: '%REQ(:METHOD)%',
  'x-envoy-origin-path': '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  response_code: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  response_code_details: '%RESPONSE_CODE_DETAILS%',
  upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  duration: '%DURATION%',
  'x-forwarded-for': '%REQ(X-FORWARDED-FOR)%',
  'user-agent': '%REQ(USER-AGENT)%',
  'x-request-id': '%REQ(X-REQUEST-ID)%',
  ':authority': '%REQ(:AUTHORITY)%',
  upstream_host: '%UPSTREAM_HOST%',
  upstream_cluster: '%UPSTREAM_CLUSTER%',
  downstream_local_address: '%DOWNSTREAM_LOCAL_ADDRESS%',
  downstream_remote_address: '%DOWNSTREAM_REMOTE_ADDRESS%',
  requested_server_name: '%REQUESTED_SERVER_NAME%',
  route_name: '%ROUTE_NAME%',
};
