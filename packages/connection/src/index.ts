// Engine (sans-IO): also importable alone as `@strand/connection/engine` (no node: imports).
export * from './engine/index.js';

// Node layer: the socket pump and the node:http2-shaped API (docs/node-api.md).
export { EnginePump } from './node/pump.js';
export { createServer, createSecureServer, Http2Server, Http2SecureServer, type ServerOptions, type SecureServerOptions } from './node/server.js';
export { connect, ClientHttp2Session, type ClientSessionOptions, type ClientRequestOptions } from './node/client.js';
export { Http2Session, ServerHttp2Session, type SessionOptions } from './node/session.js';
export { Http2Stream, type StreamPriorityOptions } from './node/stream.js';
export { ServerHttp2Stream, type ServerStreamResponseOptions } from './node/server-stream.js';
export { ClientHttp2Stream } from './node/client-stream.js';
export type { RespondWithFileOptions } from './node/send-file.js';
export { Http2ServerRequest, Http2ServerResponse } from './node/compat.js';
export { constants } from './node/constants.js';
export { sensitiveHeaders, type IncomingHttpHeaders, type OutgoingHttpHeaders } from './node/headers.js';
export { getDefaultSettings, getPackedSettings, getUnpackedSettings, type Http2Settings } from './node/settings.js';
export { serve, type ServeOptions } from './node/serve.js';
export { http2 as default } from './node/http2.js';
