// Files in an S3-compatible bucket (MinIO, Ceph's radosgw, a cloud's object
// storage) through the maintained AWS SDK client: every host reads and
// writes the same objects, so a file uploaded through one host is served by
// any other. Keys are `<prefix><key>`, one prefix per part.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  type ByteSpan,
  type FileStorage,
  type ObjectStoreSettings,
  checkFolder,
  checkKey,
} from './fileStorage.js';

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

export class S3Storage implements FileStorage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly settings: ObjectStoreSettings;

  constructor(
    settings: ObjectStoreSettings,
    private readonly prefix: string,
    /** A folder's view shares its parent's client. */
    client?: S3Client,
  ) {
    this.bucket = settings.bucket;
    this.settings = settings;
    this.client =
      client ??
      new S3Client({
        endpoint: settings.endpoint || undefined,
        region: settings.region,
        forcePathStyle: settings.forcePathStyle,
        credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
        // Plain signed bodies: the newer chunked checksum encoding is not spoken by every
        // S3-compatible server (older MinIO and Ceph, s3rver).
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
  }

  private key(key: string): string {
    return `${this.prefix}${checkKey(key)}`;
  }

  async size(key: string): Promise<number | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      return out.ContentLength ?? 0;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async read(key: string, span?: ByteSpan): Promise<Readable> {
    const out = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.key(key),
        Range: span ? `bytes=${span.start}-${span.end}` : undefined,
      }),
    );
    const body = out.Body;
    if (!(body instanceof Readable)) throw new Error(`no readable body for ${key}`);
    return body;
  }

  async head(key: string, n: number): Promise<Uint8Array> {
    const size = await this.size(key);
    if (!size) return new Uint8Array(0);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.read(key, { start: 0, end: Math.min(n, size) - 1 })) {
      chunks.push(chunk as Buffer);
    }
    return new Uint8Array(Buffer.concat(chunks));
  }

  async adopt(key: string, path: string): Promise<void> {
    const { size } = await stat(path);
    // One PUT (S3 takes up to 5 GiB so; uploads are at most 4 GiB by default), streamed from disk.
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key(key),
        Body: createReadStream(path),
        ContentLength: size,
      }),
    );
    await rm(path, { force: true });
  }

  async write(key: string, bytes: Uint8Array | string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.key(key), Body: Buffer.from(bytes) }),
    );
  }

  async list(startsWith = ''): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: `${this.prefix}${startsWith}`,
          ContinuationToken: token,
        }),
      );
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key.slice(this.prefix.length));
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  folder(name: string): S3Storage {
    return new S3Storage(this.settings, `${this.prefix}${checkFolder(name)}/`, this.client);
  }

  async remove(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  async withLocalFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), 'school-call-object-'));
    try {
      const path = join(dir, checkKey(key));
      await pipeline(await this.read(key), createWriteStream(path));
      return await use(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  close(): void {
    this.client.destroy();
  }
}
