/** A read position over `bytes[pos, end)`, used by the low-level integer and string decoders. */
export class ByteReader {
  bytes: Uint8Array;
  pos: number;
  end: number;

  constructor(bytes: Uint8Array = new Uint8Array(0), pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  reset(bytes: Uint8Array, pos = 0, end = bytes.length): void {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }
}
