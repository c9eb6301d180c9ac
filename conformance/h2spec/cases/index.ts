// The whole catalogue in report order, numbered the way h2spec numbers it: `<spec>/<section>/<n>`.
import { genericSections } from './generic.js';
import { hpackSections } from './hpack.js';
import { http2ConnectionSections } from './http2-connection.js';
import { http2FrameSections } from './http2-frames.js';
import { http2MessageSections } from './http2-messages.js';
import type { CaseSpec, SectionSpec, SpecKey } from './types.js';

export const SECTIONS: readonly SectionSpec[] = [
  ...genericSections,
  ...http2ConnectionSections,
  ...http2FrameSections,
  ...http2MessageSections,
  ...hpackSections,
];

export interface CatalogueEntry extends CaseSpec {
  /** e.g. `http2/6.9.1/2` */
  id: string;
  spec: SpecKey;
  section: string;
  /** 1-based position within its section. */
  seq: number;
}

export const CATALOGUE: readonly CatalogueEntry[] = SECTIONS.flatMap((s) =>
  s.cases.map((c, i) => ({ ...c, id: `${s.spec}/${s.section}/${i + 1}`, spec: s.spec, section: s.section, seq: i + 1 })),
);

/**
 * Whether `entry` is selected by a filter such as `6.9` (any spec), `http2/6.9`, `http2/6.9.1/2` or
 * `generic`; a section filter also selects its subsections.
 */
export function matchesFilter(entry: CatalogueEntry, filter: string): boolean {
  const parts = filter.split('/');
  let spec: string | undefined;
  let section: string | undefined;
  let seq: string | undefined;
  if (parts[0] === 'generic' || parts[0] === 'http2' || parts[0] === 'hpack') [spec, section, seq] = parts;
  else [section, seq] = parts;
  if (spec !== undefined && spec !== entry.spec) return false;
  if (section !== undefined && section !== '' && entry.section !== section && !entry.section.startsWith(`${section}.`)) return false;
  if (seq !== undefined && (entry.section !== section || String(entry.seq) !== seq)) return false;
  return true;
}
