// Renders the §5.1 table as the markdown that docs/stream.md embeds (docs.test.ts keeps them in sync).
// Regenerate: npx tsx packages/stream/test/render-table.ts
import { pathToFileURL } from 'node:url';
import { errorCodeName } from '@strand/frame';
import { INPUT_NAMES, SEND_OFFSET, STATE_NAMES, TABLE, type Outcome } from '../src/index.js';

const SHORT: Record<string, string> = {
  idle: 'idle',
  'reserved (local)': 'res(L)',
  'reserved (remote)': 'res(R)',
  open: 'open',
  'half-closed (local)': 'hc(L)',
  'half-closed (remote)': 'hc(R)',
  'closed [END_STREAM]': 'closed:ES',
  'closed [reset sent]': 'closed:RS→',
  'closed [reset received]': 'closed:←RS',
  'closed [unused]': 'closed:unused',
  'closed [forgotten]': 'closed:forgotten',
};

function cell(outcome: Outcome, state: number): string {
  switch (outcome.kind) {
    case 'next':
      return outcome.state === state ? '=' : `→ ${SHORT[STATE_NAMES[outcome.state]!]}`;
    case 'ignore':
      return 'ignore';
    case 'usage':
      return 'usage';
    case 'error':
      return `**${outcome.scope === 'connection' ? 'conn' : 'stream'} ${errorCodeName(outcome.code)}**`;
  }
}

function half(first: number, title: string): string {
  const columns = INPUT_NAMES.slice(first, first + SEND_OFFSET).map((n) =>
    n.slice(5).replace('_END_STREAM', '+ES').replace('WINDOW_UPDATE', 'WIN_UPD').replace('RST_STREAM', 'RST'),
  );
  const lines = [`| ${title} | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---').join('|')}|`];
  TABLE.forEach((row, state) => {
    const cells = row.slice(first, first + SEND_OFFSET).map((o) => cell(o, state));
    lines.push(`| ${STATE_NAMES[state]} | ${cells.join(' | ')} |`);
  });
  return lines.join('\n');
}

export function renderTable(): string {
  return `${half(0, 'received ↓ in state')}\n\n${half(SEND_OFFSET, 'sent ↓ in state')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.stdout.write(renderTable());
