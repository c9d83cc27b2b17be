// The one place that picks where a part's files go: the bucket when S3_BUCKET
// is set (under the part's prefix), else the part's directory.
import { DirectoryStorage } from './directoryStorage.js';
import type { FileStorage, ObjectStoreSettings } from './fileStorage.js';
import { S3Storage } from './s3Storage.js';

export function openFileStorage(
  bucket: ObjectStoreSettings | null,
  part: { dir: string; prefix: string },
): FileStorage {
  return bucket ? new S3Storage(bucket, part.prefix) : new DirectoryStorage(part.dir);
}
