// CLI: npx tsx conformance/h2spec/run.ts --host 127.0.0.1 --port 8443 [--tls] [--strict] [--section 6.9]
//        [--timeout 1000] [--concurrency 8] [--servername NAME] [--json]
// Prints an h2spec-style report (or JSON with --json); exits 1 if any case failed, 2 on bad arguments.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatReport } from './report.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, type H2specOptions, runH2spec } from './runner.js';

export { runH2spec, selectCases, type CaseResult, type H2specOptions, type H2specRun } from './runner.js';
export { formatReport, summaryLine } from './report.js';
export { CATALOGUE, SECTIONS, matchesFilter } from './cases/index.js';

const USAGE = `usage: run.ts --host HOST --port PORT [--tls] [--servername NAME] [--strict]
              [--section S]... [--timeout MS] [--concurrency N] [--json]
  --section  e.g. 6.9, http2/6.9.1, http2/6.9.1/2, generic, hpack/5.2 (repeatable)
  --timeout  longest wait for one server event (default ${DEFAULT_TIMEOUT_MS} ms; h2spec uses 2000)
  --concurrency  cases run at once, each on its own connection (default ${DEFAULT_CONCURRENCY})`;

export function parseCli(argv: string[]): H2specOptions & { json: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      tls: { type: 'boolean', default: false },
      servername: { type: 'string' },
      strict: { type: 'boolean', default: false },
      section: { type: 'string', multiple: true },
      timeout: { type: 'string' },
      concurrency: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new Error(USAGE);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`--port is required (1-65535)\n${USAGE}`);
  const options: H2specOptions & { json: boolean } = {
    host: values.host!,
    port,
    tls: values.tls!,
    strict: values.strict!,
    sections: values.section ?? [],
    json: values.json!,
  };
  if (values.servername !== undefined) options.servername = values.servername;
  if (values.timeout !== undefined) options.timeoutMs = Number(values.timeout);
  if (values.concurrency !== undefined) options.concurrency = Number(values.concurrency);
  return options;
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseCli>;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 2;
    return;
  }
  const run = await runH2spec(options);
  console.log(options.json ? JSON.stringify(run, null, 2) : formatReport(run));
  process.exitCode = run.failed > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
