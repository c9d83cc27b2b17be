// One contract, both places: the upload directory and an S3-compatible
// bucket (a real s3rver). Sizes, byte spans, first bytes, adopting a file
// from this host's disk, small files written whole, keys listed by their
// beginning, local copies for tools, removal (twice is fine),
// and keys that could be paths refused. (s3rver checks a request's access
// key but not its SigV4 signature: a wrong secret is not caught here.)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryStorage } from '../../common/storage/directoryStorage.js';
import { type FileStorage, objectStoreFromEnv } from '../../common/storage/fileStorage.js';
import { S3Storage } from '../../common/storage/s3Storage.js';
import { type TestS3, startS3 } from '../helpers/s3.js';

let s3: TestS3;
let work: string;
const places: Record<string, () => FileStorage> = {};

beforeAll(async () => {
  s3 = await startS3();
  work = mkdtempSync(join(tmpdir(), 'storage-test-'));
  const dir = mkdtempSync(join(work, 'dir-'));
  const directory = new DirectoryStorage(dir);
  const bucket = new S3Storage(objectStoreFromEnv(s3.env)!, 'chat/');
  places.directory = () => directory;
  places.s3 = () => bucket;
});
afterAll(async () => {
  await s3?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe.each(['directory', 's3'])('%s storage', (kind) => {
  const storage = () => places[kind]!();

  it('adopts a file from disk and serves it whole, in spans and as a local copy', async () => {
    const data = randomBytes(300_000);
    const id = `f-${kind}-${randomBytes(6).toString('hex')}`;
    const arriving = join(work, `${id}.arriving`);
    writeFileSync(arriving, data);
    expect(await storage().size(id)).toBeNull();
    await storage().adopt(id, arriving);
    expect(await storage().size(id)).toBe(data.length);
    expect((await buffer(await storage().read(id))).equals(data)).toBe(true);
    const span = await buffer(await storage().read(id, { start: 1000, end: 1999 }));
    expect(span.equals(data.subarray(1000, 2000))).toBe(true);
    const last = await buffer(await storage().read(id, { start: data.length - 1, end: data.length - 1 }));
    expect(last.equals(data.subarray(data.length - 1))).toBe(true);
    expect(Buffer.from(await storage().head(id, 16)).equals(data.subarray(0, 16))).toBe(true);
    let seenAt = '';
    const copy = await storage().withLocalFile(id, async (path) => {
      seenAt = path;
      return readFileSync(path);
    });
    expect(copy.equals(data)).toBe(true);
    // The S3 copy is temporary; the directory's is the file itself.
    expect(existsSync(seenAt)).toBe(kind === 'directory');
    await storage().remove(id);
    expect(await storage().size(id)).toBeNull();
    await storage().remove(id);
  });

  it('writes small files whole and lists keys by their beginning', async () => {
    const stem = `w-${kind}-${randomBytes(4).toString('hex')}`;
    await storage().write(`${stem}.json`, '{"a":1}');
    await storage().write(`${stem}.vtt`, Buffer.from('WEBVTT\n'));
    // A second write replaces the first.
    await storage().write(`${stem}.json`, '{"a":"два"}');
    expect(JSON.parse((await buffer(await storage().read(`${stem}.json`))).toString())).toEqual({ a: 'два' });
    expect((await storage().list(stem)).sort()).toEqual([`${stem}.json`, `${stem}.vtt`]);
    expect(await storage().list()).toContain(`${stem}.vtt`);
    expect(await storage().list(`${stem}x`)).toEqual([]);
    await storage().remove(`${stem}.json`);
    expect(await storage().list(stem)).toEqual([`${stem}.vtt`]);
    await expect(storage().write('../escape', 'x')).rejects.toThrow(/not a storage key/);
  });

  it('refuses keys that could reach elsewhere', async () => {
    for (const key of ['../etc/passwd', 'a/b', '', '..', '.hidden']) {
      await expect(storage().size(key)).rejects.toThrow(/not a storage key/);
    }
  });
});

describe('s3 storage', () => {
  it("keeps a part's files under its prefix in the bucket", async () => {
    const id = `prefixed-${randomBytes(4).toString('hex')}`;
    const arriving = join(work, id);
    writeFileSync(arriving, 'содержимое');
    await places.s3!().adopt(id, arriving);
    expect(existsSync(arriving)).toBe(false);
    // s3rver keeps objects as files under <dir>/<bucket>/<key>._S3rver_object.
    expect(existsSync(join(s3.directory, 'school-call', 'chat', `${id}._S3rver_object`))).toBe(true);
  });

  it('an unknown access key is refused by the server', async () => {
    const id = `guarded-${randomBytes(4).toString('hex')}`;
    writeFileSync(join(work, id), 'тайна');
    await places.s3!().adopt(id, join(work, id));
    const wrong = new S3Storage(objectStoreFromEnv({ ...s3.env, S3_ACCESS_KEY_ID: 'NOT-OURS' })!, 'chat/');
    await expect(wrong.read(id)).rejects.toThrow(/Access Key/i);
    writeFileSync(join(work, id), 'подмена');
    await expect(wrong.adopt(id, join(work, id))).rejects.toThrow(/Access Key/i);
    expect((await buffer(await places.s3!().read(id))).toString()).toBe('тайна');
  });
});

describe('S3_* settings', () => {
  it('no bucket keeps files in the directory; a bucket without keys or with a bad endpoint stops the start', () => {
    expect(objectStoreFromEnv({})).toBeNull();
    expect(() => objectStoreFromEnv({ S3_BUCKET: 'b' })).toThrow(/S3_ACCESS_KEY_ID/);
    expect(() =>
      objectStoreFromEnv({
        S3_BUCKET: 'b',
        S3_ACCESS_KEY_ID: 'k',
        S3_SECRET_ACCESS_KEY: 's',
        S3_ENDPOINT: 'minio:9000',
      }),
    ).toThrow(/S3_ENDPOINT/);
    expect(
      objectStoreFromEnv({
        S3_BUCKET: 'b',
        S3_ACCESS_KEY_ID: 'k',
        S3_SECRET_ACCESS_KEY: 's',
        S3_FORCE_PATH_STYLE: '0',
      }),
    ).toMatchObject({ bucket: 'b', region: 'us-east-1', forcePathStyle: false, endpoint: '' });
  });
});
