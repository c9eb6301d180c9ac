// The node:http2-shaped module surface: named exports and a default export with the same names, so both
// `import http2 from '@strand/connection'` and `import { createServer } from '@strand/connection'` work.
import { connect } from './client.js';
import { Http2ServerRequest, Http2ServerResponse } from './compat.js';
import { constants } from './constants.js';
import { sensitiveHeaders } from './headers.js';
import { serve } from './serve.js';
import { createSecureServer, createServer } from './server.js';
import { getDefaultSettings, getPackedSettings, getUnpackedSettings } from './settings.js';

export const http2 = {
  connect,
  constants,
  createServer,
  createSecureServer,
  getDefaultSettings,
  getPackedSettings,
  getUnpackedSettings,
  sensitiveHeaders,
  Http2ServerRequest,
  Http2ServerResponse,
  serve,
};
