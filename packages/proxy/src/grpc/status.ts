// gRPC statuses the proxy itself produces (gRPC over HTTP/2 protocol spec, "Responses"; statuscodes.md), the
// HTTP → gRPC status mapping for non-gRPC answers (http-grpc-status-mapping.md), and grpc-timeout parsing.
import type { HeaderList } from '../translate/head.js';

const utf8 = new TextEncoder();

export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** The gRPC status a client should see for an HTTP status the proxy would otherwise send. */
export function grpcStatusForHttp(status: number): number {
  switch (status) {
    case 400:
      return GrpcStatus.INTERNAL;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
      return GrpcStatus.UNAVAILABLE;
    case 504:
      return GrpcStatus.DEADLINE_EXCEEDED;
    default:
      return GrpcStatus.UNKNOWN;
  }
}

/** grpc-message is percent-encoded (everything outside printable ASCII, and '%'). */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  const bytes = utf8.encode(message);
  for (const b of bytes) {
    if (b >= 0x20 && b <= 0x7e && b !== 0x25) out += String.fromCharCode(b);
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Headers of a Trailers-Only response carrying `status` (HTTP 200, content-type, grpc-status, grpc-message). */
export function grpcTrailersOnly(status: number, message: string, contentType = 'application/grpc'): HeaderList {
  return [
    ['content-type', contentType],
    ['grpc-status', String(status)],
    ['grpc-message', encodeGrpcMessage(message)],
  ];
}

const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/** grpc-timeout = 1*8DIGIT unit (H M S m u n) → milliseconds, rounded up; -1 when absent or malformed. */
export function parseGrpcTimeout(value: string | undefined): number {
  if (value === undefined || value.length < 2 || value.length > 9) return -1;
  const unit = UNIT_MS[value[value.length - 1]!];
  const digits = value.slice(0, -1);
  if (unit === undefined || !/^[0-9]{1,8}$/.test(digits)) return -1;
  return Math.ceil(Number(digits) * unit);
}

/** A grpc-timeout value for `ms` milliseconds (what is left of the deadline when forwarding). */
export function formatGrpcTimeout(ms: number): string {
  const m = Math.max(0, Math.floor(ms));
  return m < 100_000_000 ? `${m}m` : `${Math.ceil(m / 1000)}S`;
}
