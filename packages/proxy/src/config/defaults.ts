// The configuration `strand-proxy` runs with when given no config file (the README quick start): a cleartext
// listener on :8080 (h2c prior knowledge and HTTP/1.1) routing every request to the built-in h2c demo backend,
// the admin server on :9901 and a JSON access log on stdout. Kept as YAML so it reads like examples/quickstart.yaml
// (a test checks they agree) and goes through the same validation as any user config.
import { parseConfig } from './load.js';
import type { ProxyConfig } from './types.js';

export const EMBEDDED_DEFAULT_YAML = `# strand-proxy quick start
listeners:
  - name: http
    port: 8080
routes:
  - name: demo
    backends: [demo]
demoBackends:
  - name: demo
admin:
  address: 0.0.0.0
  port: 9901
accessLog:
  path: stdout
`;

export const EMBEDDED_DEFAULT_SOURCE = '<embedded default>';

/** A fresh copy of the quick-start configuration. */
export function embeddedDefaultConfig(): ProxyConfig {
  return parseConfig(EMBEDDED_DEFAULT_YAML, EMBEDDED_DEFAULT_SOURCE, { checkFiles: false });
}
