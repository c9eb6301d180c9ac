// The reference app for conformance runs: 200 "hello" for any request, after reading the request body to the end.
//   npx tsx conformance/server.ts --port P          cleartext (h2c prior knowledge)
//   npx tsx conformance/server.ts --port P --tls    TLS with ALPN h2 and a self-signed certificate made at start
// Prints `listening on P` when ready. Other tools depend on this command and that line: keep both.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startEngineServer, type EngineServer } from './engine-server.js';

export async function main(argv: string[]): Promise<EngineServer> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, tls: { type: 'boolean', default: false } },
  });
  const server = await startEngineServer({ port: Number(values.port), host: values.host!, tls: values.tls! });
  console.log(`listening on ${server.port}`);
  return server;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
