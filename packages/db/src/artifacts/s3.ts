// A minimal S3-compatible client (path-style URLs, AWS Signature Version 4) over fetch: put, get, delete, list.
// Enough for MinIO, Ceph RGW, R2 and AWS S3; no SDK dependency.
import { createHash, createHmac } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Files above this go up as multipart uploads of PART_BYTES parts (S3 allows 10,000 parts of >= 5 MiB). */
export const MULTIPART_FROM = 16 * 2 ** 20;
export const PART_BYTES = 8 * 2 ** 20;

export interface S3Options {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const sha256hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it (slashes kept in paths). */
export function uriEncode(s: string, keepSlash: boolean): string {
  return Array.from(new TextEncoder().encode(s))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) return c;
      return '%' + b.toString(16).toUpperCase().padStart(2, '0');
    })
    .join('');
}

export interface SignInput {
  method: string;
  host: string;
  path: string;
  query?: Record<string, string>;
  headers: Record<string, string>;
  payloadHash: string;
  amzDate: string; // YYYYMMDDTHHMMSSZ
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  service?: string;
}

/** Returns the Authorization header value for a SigV4-signed request. */
export function signV4(i: SignInput): string {
  const service = i.service ?? 's3';
  const date = i.amzDate.slice(0, 8);
  const headers: Record<string, string> = { host: i.host };
  for (const [k, v] of Object.entries(i.headers)) headers[k.toLowerCase()] = v.trim().replace(/\s+/g, ' ');
  const names = Object.keys(headers).sort();
  const canonicalQuery = Object.entries(i.query ?? {})
    .map(([k, v]) => [uriEncode(k, false), uriEncode(v, false)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [i.method, uriEncode(i.path, true), canonicalQuery, names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), i.payloadHash].join('\n');
  const scope = `${date}/${i.region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', i.amzDate, scope, sha256hex(canonical)].join('\n');
  const kSigning = hmac(hmac(hmac(hmac('AWS4' + i.secretAccessKey, date), i.region), service), 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(toSign, 'utf8').digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${i.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

export class S3Client {
  constructor(private readonly o: S3Options) {}

  private async request(method: string, bucket: string, key: string, query: Record<string, string> = {}, body?: Uint8Array, okStatuses: number[] = []): Promise<Response> {
    const base = new URL(this.o.endpoint);
    const path = `${base.pathname.replace(/\/+$/, '')}/${bucket}${key ? '/' + key : ''}`;
    const payloadHash = sha256hex(body ?? '');
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const headers: Record<string, string> = { 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
    const authorization = signV4({ method, host: base.host, path, query, headers, payloadHash, amzDate, region: this.o.region, accessKeyId: this.o.accessKeyId, secretAccessKey: this.o.secretAccessKey });
    const qs = new URLSearchParams(query).toString();
    const url = `${base.protocol}//${base.host}${uriEncode(path, true)}${qs ? '?' + qs : ''}`;
    const res = await fetch(url, { method, headers: { ...headers, authorization }, body });
    if (!res.ok && !(method === 'DELETE' && res.status === 404) && !okStatuses.includes(res.status))
      throw new Error(`S3 ${method} ${bucket}/${key} failed: HTTP ${res.status} ${method === 'HEAD' ? '' : (await res.text()).slice(0, 300)}`);
    return res;
  }
  /** The object's size, or null when there is none. */
  async headObject(bucket: string, key: string): Promise<{ size: number } | null> {
    const res = await this.request('HEAD', bucket, key, {}, undefined, [404]);
    if (res.status === 404) return null;
    return { size: Number(res.headers.get('content-length') ?? 0) };
  }
  /** Creates the bucket unless it exists (deployments that own their bucket, e.g. MinIO in compose). */
  async ensureBucket(bucket: string): Promise<void> {
    const head = await this.request('HEAD', bucket, '', {}, undefined, [404, 403]);
    if (head.ok) return;
    if (head.status === 403) throw new Error(`S3 bucket ${bucket} exists but these credentials may not use it (HTTP 403)`);
    await this.request('PUT', bucket, '', {}, undefined, [409]);
  }
  /**
   * Streams an object into a local file (never whole in memory), hashing it on the way; refuses to write more
   * than `maxBytes`.
   */
  async downloadObject(bucket: string, key: string, localPath: string, maxBytes = Number.MAX_SAFE_INTEGER): Promise<{ sha256: string; sizeBytes: number }> {
    const res = await this.request('GET', bucket, key);
    if (!res.body) throw new Error(`S3 GET ${bucket}/${key}: no body`);
    const h = createHash('sha256');
    let size = 0;
    const out = createWriteStream(localPath);
    const counted = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>).map((chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) throw new Error(`S3 object ${bucket}/${key} is larger than ${maxBytes} bytes`);
      h.update(chunk);
      return chunk;
    });
    await pipeline(counted, out);
    return { sha256: h.digest('hex'), sizeBytes: size };
  }
  /**
   * Uploads a local file: one PUT up to `MULTIPART_FROM` bytes, above it a multipart upload of parts read one at a
   * time (memory stays one part); an upload that fails midway is aborted, leaving nothing behind.
   */
  async putObjectFile(bucket: string, key: string, localPath: string): Promise<void> {
    const { size } = await stat(localPath);
    if (size <= MULTIPART_FROM) return this.putObject(bucket, key, await readFile(localPath));
    const partSize = Math.max(PART_BYTES, Math.ceil(size / 9_000));
    const init = await (await this.request('POST', bucket, key, { uploads: '' })).text();
    const uploadId = xmlText(tag(init, 'UploadId') ?? '');
    if (!uploadId) throw new Error(`S3 multipart upload of ${bucket}/${key}: no UploadId in ${init.slice(0, 200)}`);
    const etags: string[] = [];
    try {
      const fh = await open(localPath, 'r');
      try {
        for (let offset = 0, part = 1; offset < size; offset += partSize, part++) {
          const buf = Buffer.alloc(Math.min(partSize, size - offset));
          const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
          if (bytesRead !== buf.length) throw new Error(`${localPath} changed while uploading`);
          const res = await this.request('PUT', bucket, key, { partNumber: String(part), uploadId }, buf);
          etags.push(res.headers.get('etag') ?? '');
        }
      } finally {
        await fh.close();
      }
      const body = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
      const done = await (await this.request('POST', bucket, key, { uploadId }, new TextEncoder().encode(body))).text();
      // S3 may answer 200 with an error document when completing fails
      if (/<Error>/.test(done)) throw new Error(`S3 multipart upload of ${bucket}/${key} failed: ${done.slice(0, 300)}`);
    } catch (e) {
      await this.request('DELETE', bucket, key, { uploadId }).catch(() => null);
      throw e;
    }
  }
  async putObject(bucket: string, key: string, body: Uint8Array) {
    await this.request('PUT', bucket, key, {}, body);
  }
  async getObject(bucket: string, key: string): Promise<Buffer> {
    return Buffer.from(await (await this.request('GET', bucket, key)).arrayBuffer());
  }
  async deleteObject(bucket: string, key: string) {
    await this.request('DELETE', bucket, key);
  }
  async listKeys(bucket: string, prefix: string): Promise<string[]> {
    return (await this.listObjects(bucket, prefix)).map((o) => o.key);
  }
  /** ListObjectsV2, every page: the objects whose key starts with `prefix`. */
  async listObjects(bucket: string, prefix: string): Promise<{ key: string; size: number; lastModified: Date }[]> {
    const out: { key: string; size: number; lastModified: Date }[] = [];
    for await (const xml of this.listPages(bucket, { prefix }))
      for (const [, body] of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g))
        out.push({ key: xmlText(tag(body, 'Key') ?? ''), size: Number(tag(body, 'Size') ?? 0), lastModified: new Date(tag(body, 'LastModified') ?? 0) });
    return out;
  }
  /** ListObjectsV2 with a delimiter, every page: the "folders" right under `prefix` (each ends with the delimiter). */
  async listCommonPrefixes(bucket: string, prefix: string, delimiter: string): Promise<string[]> {
    const out: string[] = [];
    for await (const xml of this.listPages(bucket, { prefix, delimiter }))
      for (const [, body] of xml.matchAll(/<CommonPrefixes>([\s\S]*?)<\/CommonPrefixes>/g)) out.push(xmlText(tag(body, 'Prefix') ?? ''));
    return out;
  }
  private async *listPages(bucket: string, params: Record<string, string>): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const q: Record<string, string> = { 'list-type': '2', ...params };
      if (token) q['continuation-token'] = token;
      const xml = await (await this.request('GET', bucket, '', q)).text();
      yield xml;
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? xmlText(tag(xml, 'NextContinuationToken') ?? '') || undefined : undefined;
    } while (token);
  }
}

/** The text of the first <name>…</name> in `xml`, still XML-escaped. */
function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

/** Undoes XML escaping (&amp; last, so that "&amp;lt;" stays "&lt;"). */
function xmlText(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}
