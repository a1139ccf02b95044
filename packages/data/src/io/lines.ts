// Splits byte chunks into lines without building strings: the callback gets the buffer and the line's byte range
// (a trailing \r removed). Lines longer than maxLineBytes raise a DataError instead of growing without bound.
import { DataError } from '../errors.js';

export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number) => void;

export class LineSplitter {
  private carry: Buffer | null = null;
  lineNo = 0;

  constructor(
    readonly file: string,
    readonly maxLineBytes = 1 << 20,
  ) {}

  private emit(buf: Buffer, start: number, end: number, onLine: LineHandler): void {
    this.lineNo++;
    if (end > start && buf[end - 1] === 13) end--;
    onLine(buf, start, end, this.lineNo);
  }

  private tooLong(): never {
    throw new DataError(
      'LINE_TOO_LONG',
      `${this.file}:${this.lineNo + 1}: line longer than ${this.maxLineBytes} bytes (is this the right format?)`,
      this.file,
      this.lineNo + 1,
    );
  }

  push(chunk: Buffer, onLine: LineHandler): void {
    let pos = 0;
    if (this.carry) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        if (this.carry.length + chunk.length > this.maxLineBytes) this.tooLong();
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      if (this.carry.length + nl > this.maxLineBytes) this.tooLong();
      const line = Buffer.concat([this.carry, chunk.subarray(0, nl)]);
      this.carry = null;
      this.emit(line, 0, line.length, onLine);
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) break;
      if (nl - pos > this.maxLineBytes) this.tooLong();
      this.emit(chunk, pos, nl, onLine);
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      if (chunk.length - pos > this.maxLineBytes) this.tooLong();
      // Copy: the chunk's memory may be reused by the reader.
      this.carry = Buffer.from(chunk.subarray(pos));
    }
  }

  /** Flushes a last line without a trailing newline. */
  end(onLine: LineHandler): void {
    if (this.carry && this.carry.length > 0) this.emit(this.carry, 0, this.carry.length, onLine);
    this.carry = null;
  }
}
