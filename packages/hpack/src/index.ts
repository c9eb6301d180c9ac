export { Decoder, type DecodedHeader, type DecoderOptions } from './decoder.js';
export { Encoder, type EncoderOptions, type HeaderField } from './encoder.js';
export { EmptyHeaderNameError, FAR_OVER_LIMIT_FACTOR, HeaderListTooLargeError, HpackError, type HpackErrorReason } from './errors.js';
export { ByteReader } from './byte-reader.js';
export { ByteWriter } from './byte-writer.js';
export { MAX_INTEGER, readInteger, writeInteger } from './integer.js';
export {
  HUFFMAN_ALWAYS,
  HUFFMAN_AUTO,
  HUFFMAN_NEVER,
  type HuffmanMode,
  readStringLiteral,
  skipStringLiteral,
  writeStringLiteral,
} from './string-literal.js';
export {
  huffmanDecode,
  huffmanDecodeInto,
  huffmanDecodeToString,
  huffmanEncode,
  huffmanEncodedLength,
  huffmanEncodeInto,
  huffmanMaxDecodedLength,
} from './huffman.js';
export { EOS_SYMBOL, HUFFMAN_CODE_LENGTHS, HUFFMAN_CODES } from './huffman-code.js';
export { latin1Decode, latin1Encode } from './latin1.js';
export { STATIC_TABLE } from './static-table.js';
export { DynamicTable } from './dynamic-table.js';
export { LONG_PATH_LENGTH, SHORT_COOKIE_LENGTH } from './indexing-policy.js';
