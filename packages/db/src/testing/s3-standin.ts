// An S3-compatible server for tests and the fleet test's store container: s3rver (in-process, files on disk) with
// the delimiter listing S3 specifies. s3rver 3.7.1 answers a delimiter listing from a directory walk that skips
// every folder two levels below the prefix, so `prefix=projects/&delimiter=/` misses projects whose objects sit
// deeper; its store gets the listing computed from its own full listing. The HTTP side (query parsing, SigV4 check,
// ListObjectsV2 and multipart XML) stays s3rver's. s3rver checks the access key, not the signature.
import S3rver from 's3rver';

type ListObjects = (bucket: string, o: { delimiter?: string; prefix?: string }) => Promise<{ objects: { key: string }[]; commonPrefixes: string[]; isTruncated: boolean }>;

export interface S3StandinOptions {
  /** 0 picks a free port. */
  port?: number;
  address?: string;
  /** Where the objects are kept. */
  directory: string;
  buckets: string[];
}

export interface S3Standin {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

function fixDelimiterListing(server: S3rver): void {
  const store = (server as unknown as { store: { listObjects: ListObjects } }).store;
  const full = store.listObjects.bind(store);
  store.listObjects = async (bucket, o) => {
    if (!o.delimiter) return full(bucket, o);
    const all = await full(bucket, { ...o, delimiter: '' });
    const prefix = o.prefix ?? '';
    const folderOf = (key: string) => {
      const i = key.indexOf(o.delimiter!, prefix.length);
      return i === -1 ? null : key.slice(0, i + o.delimiter!.length);
    };
    return {
      objects: all.objects.filter((x) => folderOf(x.key) === null),
      commonPrefixes: [...new Set(all.objects.map((x) => folderOf(x.key)).filter((f): f is string => f !== null))].sort(),
      isTruncated: all.isTruncated,
    };
  };
}

export async function startS3Standin(o: S3StandinOptions): Promise<S3Standin> {
  const address = o.address ?? '127.0.0.1';
  const server = new S3rver({ port: o.port ?? 0, address, silent: true, directory: o.directory, configureBuckets: o.buckets.map((name) => ({ name, configs: [] })) });
  fixDelimiterListing(server);
  const { port } = await server.run();
  return { endpoint: `http://${address === '0.0.0.0' ? '127.0.0.1' : address}:${port}`, port, close: () => server.close() };
}
