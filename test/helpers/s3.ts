// A real S3-compatible server for a test file: s3rver (npm, a dev dependency)
// speaks the S3 HTTP API (signed requests, objects, Range) over a temporary
// directory, in this process, on a free port. The server's S3_* settings for
// it come with it. Not a production server (docs/storage.md).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface TestS3 {
  /** The settings a server needs to keep its files in the bucket. */
  env: Record<string, string>;
  /** Where s3rver keeps the bucket's objects (to look at them directly). */
  directory: string;
  stop(): Promise<void>;
}

// s3rver's own built-in account: it checks each request's signature against it.
const KEY = 'S3RVER';

export async function startS3(bucket = 'school-call'): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'test-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  return {
    env: {
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: KEY,
      S3_SECRET_ACCESS_KEY: KEY,
      S3_FORCE_PATH_STYLE: '1',
    },
    directory,
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
