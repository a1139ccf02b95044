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
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const q: Record<string, string> = { 'list-type': '2', prefix };
      if (token) q['continuation-token'] = token;
      const xml = await (await this.request('GET', bucket, '', q)).text();
      for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(m[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? /<NextContinuationToken>([^<]*)</.exec(xml)?.[1] : undefined;
    } while (token);
    return keys;
  }
}
