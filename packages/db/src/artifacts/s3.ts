// A minimal S3-compatible client (path-style URLs, AWS Signature Version 4) over fetch: put, get, delete, list.
// Enough for MinIO, Ceph RGW, R2 and AWS S3; no SDK dependency.
import { createHash, createHmac } from 'node:crypto';

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

  private async request(method: string, bucket: string, key: string, query: Record<string, string> = {}, body?: Uint8Array): Promise<Response> {
    const base = new URL(this.o.endpoint);
    const path = `${base.pathname.replace(/\/+$/, '')}/${bucket}${key ? '/' + key : ''}`;
    const payloadHash = sha256hex(body ?? '');
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const headers: Record<string, string> = { 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
    const authorization = signV4({ method, host: base.host, path, query, headers, payloadHash, amzDate, region: this.o.region, accessKeyId: this.o.accessKeyId, secretAccessKey: this.o.secretAccessKey });
    const qs = new URLSearchParams(query).toString();
    const url = `${base.protocol}//${base.host}${uriEncode(path, true)}${qs ? '?' + qs : ''}`;
    const res = await fetch(url, { method, headers: { ...headers, authorization }, body });
    if (!res.ok && !(method === 'DELETE' && res.status === 404)) throw new Error(`S3 ${method} ${bucket}/${key} failed: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    return res;
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
