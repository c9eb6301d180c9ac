// Turns the server's byte stream into frames with @strand/frame's decoder. A frame the decoder refuses
// (the server broke the framing rules) ends reading: the case sees an error event, as h2spec would.
import { FrameDecoder, type Frame } from '@strand/frame';

export type WireFrame = Frame;

export class FrameReader {
  private readonly decoder = new FrameDecoder();

  /** Appends `chunk` and returns every frame now complete, in order; throws H2Error on a bad frame. */
  push(chunk: Uint8Array): WireFrame[] {
    this.decoder.push(chunk);
    const frames: WireFrame[] = [];
    for (let f = this.decoder.next(); f !== null; f = this.decoder.next()) frames.push(f);
    return frames;
  }
}
