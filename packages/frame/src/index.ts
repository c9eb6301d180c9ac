export * from './constants.js';
export * from './errors.js';
export type * from './types.js';
export { FrameDecoder, type FrameDecoderOptions } from './decoder.js';
export { FrameWriter, type FrameWriterOptions, type HeadersOptions, type PushPromiseOptions } from './writer.js';
export { encodeFrame, decodeFrames, concatBytes } from './encode.js';
export { parseFrame } from './parse.js';
export { settingError } from './settings.js';
export { priorityError, fieldBlockSequenceError, openFieldBlockAfter } from './rules.js';
