// The fleet's artifact store: the S3-compatible stand-in of @driftprune/db (s3rver) as a network service, so that
// the API and the workers share files only through S3 calls, never a volume. docker/compose.yaml runs it in the api
// image as the `store` service; a deployment uses S3 or any S3-compatible store instead (docs/deploy.md).
//   env: S3_STORE_PORT (9000), S3_STORE_DIR (/data/store), S3_STORE_BUCKETS (driftprune)
import { startS3Standin } from '@driftprune/db/testing/s3-standin';

const port = Number(process.env.S3_STORE_PORT ?? 9000);
const directory = process.env.S3_STORE_DIR ?? '/data/store';
const buckets = (process.env.S3_STORE_BUCKETS ?? 'driftprune').split(',').filter(Boolean);
const s3 = await startS3Standin({ port, address: '0.0.0.0', directory, buckets });
console.log(`[store] S3 stand-in on :${s3.port}, buckets ${buckets.join(', ')}, files in ${directory}`);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    void s3.close().finally(() => process.exit(0));
  });
