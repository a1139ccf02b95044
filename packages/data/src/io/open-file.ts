// Opens a data file as a stream of byte chunks, plain or gzip (detected by magic bytes, not by name), with clear
// errors for missing, empty, corrupt or otherwise-compressed files.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { DataError } from '../errors.js';

export type Compression = 'none' | 'gzip';

const OTHER_MAGIC: [string, number[]][] = [
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
];
const OTHER_EXT = /\.(zst|bz2|xz|zip|7z|lz4|tgz|tar)$/i;

/** Reads a file's first bytes and tells its compression, or throws a DataError. */
export async function detectCompression(file: string): Promise<Compression> {
  let size: number;
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw new DataError('FILE_NOT_FOUND', `${file} is a directory, expected a data file`, file);
    size = s.size;
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError('FILE_NOT_FOUND', `no such file: ${file}`, file);
    throw new DataError('READ_FAILED', `cannot read ${file}: ${(e as Error).message}`, file);
  }
  if (size === 0) throw new DataError('EMPTY_FILE', `${file} is empty`, file);
  const fh = await open(file, 'r');
  const head = Buffer.alloc(8);
  try {
    await fh.read(head, 0, 8, 0);
  } finally {
    await fh.close();
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  for (const [name, magic] of OTHER_MAGIC)
    if (size >= magic.length && magic.every((b, i) => head[i] === b))
      throw new DataError(
        'UNSUPPORTED_COMPRESSION',
        `${file} is ${name}-compressed; only plain text and gzip are supported (decompress it first)`,
        file,
      );
  if (OTHER_EXT.test(file))
    throw new DataError(
      'UNSUPPORTED_COMPRESSION',
      `${file}: unknown compression (by its name); only plain text and gzip are supported`,
      file,
    );
  if (/\.gz$/i.test(file)) throw new DataError('CORRUPT_COMPRESSION', `${file} is named .gz but is not gzip data`, file);
  return 'none';
}

/** The file's (decompressed) bytes in chunks of about `chunkSize`. Throws DataError on any read/inflate failure. */
export async function* readChunks(file: string, chunkSize = 1 << 20): AsyncGenerator<Buffer> {
  const compression = await detectCompression(file);
  const raw = createReadStream(file, { highWaterMark: chunkSize });
  const source = compression === 'gzip' ? raw.pipe(createGunzip({ chunkSize })) : raw;
  if (compression === 'gzip') raw.on('error', (e) => source.destroy(e));
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      yield chunk;
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    const msg = (e as Error).message;
    if (compression === 'gzip') throw new DataError('CORRUPT_COMPRESSION', `${file}: corrupt gzip data (${msg})`, file);
    throw new DataError('READ_FAILED', `cannot read ${file}: ${msg}`, file);
  } finally {
    raw.destroy();
    if (source !== raw) source.destroy();
  }
  if (total === 0) throw new DataError('EMPTY_FILE', `${file} is empty${compression === 'gzip' ? ' after decompression' : ''}`, file);
}
