// "hpack": RFC 7541 decoding errors a server must catch (each one a connection error COMPRESSION_ERROR).
import { ErrorCode, SettingId } from '@strand/frame';
import { tableSizeUpdate } from '../headers.js';
import * as wire from '../wire.js';
import { connectionErrorCase } from './helpers.js';
import type { CaseContext, SectionSpec } from './types.js';

/** Literal without indexing, literal name `x-test` (Huffman), then the value octets given. */
function xTestWithValue(value: string): Uint8Array {
  return wire.bytes('\x00\x85\xf2\xb2\x4a\x84\xff' + value);
}

/** GET / whose header block is `before` + the request + `after`; the server must fail decoding. */
function badBlock(
  title: string,
  requirement: string,
  parts: (t: CaseContext) => { before?: Uint8Array; after?: Uint8Array },
): SectionSpec['cases'][number] {
  return connectionErrorCase(
    title,
    requirement,
    (t) => {
      const { before = new Uint8Array(0), after = new Uint8Array(0) } = parts(t);
      const block = wire.concat(before, t.conn.encodeHeaders(t.request()), after);
      t.conn.send(wire.headersFrame({ streamId: 1, block, endStream: true, endHeaders: true }));
    },
    ErrorCode.COMPRESSION_ERROR,
  );
}

const DECODING_ERROR = 'The server MUST treat this as a decoding error (connection error COMPRESSION_ERROR).';

export const hpackSections: SectionSpec[] = [
  { spec: 'hpack', section: '2', name: 'Compression Process Overview', cases: [] },
  { spec: 'hpack', section: '2.3', name: 'Indexing Tables', cases: [] },
  {
    spec: 'hpack',
    section: '2.3.3',
    name: 'Index Address Space',
    cases: [
      badBlock('indexed field with index 70 (beyond both tables)', DECODING_ERROR, () => ({ after: wire.bytes('\xc6') })),
      badBlock('literal field naming index 70 (beyond both tables)', DECODING_ERROR, () => ({ after: wire.bytes('\x7f\x07\x00') })),
    ],
  },
  { spec: 'hpack', section: '4', name: 'Dynamic Table Management', cases: [] },
  {
    spec: 'hpack',
    section: '4.2',
    name: 'Maximum Table Size',
    cases: [
      badBlock('table size update after the first field of a block', 'A size update MUST come at the start of a block: decoding error.', () => ({
        after: tableSizeUpdate(1),
      })),
    ],
  },
  { spec: 'hpack', section: '5', name: 'Primitive Type Representations', cases: [] },
  {
    spec: 'hpack',
    section: '5.2',
    name: 'String Literal Representation',
    cases: [
      badBlock('Huffman string with more than 7 bits of padding', DECODING_ERROR, () => ({ after: xTestWithValue('\x84\x49\x50\x9f\xff') })),
      badBlock('Huffman string padded with zero bits', DECODING_ERROR, () => ({ after: xTestWithValue('\x83\x49\x50\x90') })),
      // "te", then the 30-bit EOS code, then "st", then padding.
      badBlock('Huffman string containing EOS', DECODING_ERROR, () => ({ after: xTestWithValue('\x87\x49\x7f\xff\xff\xff\x42\x7f') })),
    ],
  },
  { spec: 'hpack', section: '6', name: 'Binary Format', cases: [] },
  {
    spec: 'hpack',
    section: '6.1',
    name: 'Indexed Header Field Representation',
    cases: [badBlock('indexed field with index 0', 'Index 0 MUST be treated as a decoding error.', () => ({ after: wire.bytes('\x80') }))],
  },
  {
    spec: 'hpack',
    section: '6.3',
    name: 'Dynamic Table Size Update',
    cases: [
      badBlock('table size update above SETTINGS_HEADER_TABLE_SIZE', 'A size above the advertised limit MUST be a decoding error.', (t) => ({
        before: tableSizeUpdate((t.conn.serverSettings.get(SettingId.HEADER_TABLE_SIZE) ?? 4096) + 1),
      })),
    ],
  },
];
