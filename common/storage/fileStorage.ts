// Where the server keeps files (the messenger's uploads and their previews,
// finished recordings, their captions and metadata, transcripts):
// one interface, two places. A directory on this host (the default: one host,
// the layout as it always was) or an S3-compatible bucket every host reaches,
// so any host serves any file (docs/storage.md). Callers name files by key
// (a file name, no folders); each part has its own prefix in a bucket.
import type { Readable } from 'node:stream';
import { boolFromEnv } from '../envValues.js';

/** Bytes `start` to `end`, both included. */
export interface ByteSpan {
  start: number;
  end: number;
}

export interface FileStorage {
  /** 'directory' keeps files where the uploads arrive; 's3' moves them to the bucket. */
  readonly kind: 'directory' | 's3';
  /** The file's size in bytes, null when there is no such file. */
  size(key: string): Promise<number | null>;
  /** The file's bytes (a span of them), streamed. */
  read(key: string, span?: ByteSpan): Promise<Readable>;
  /** The first bytes of a file (at most `n`). */
  head(key: string, n: number): Promise<Uint8Array>;
  /** Takes a finished file from this host's disk: afterwards it is the storage's, not at `path`. */
  adopt(key: string, path: string): Promise<void>;
  /** Stores a small file (metadata, captions, a transcript) whole, replacing one of that key. */
  write(key: string, bytes: Uint8Array | string): Promise<void>;
  /** The keys that begin with `startsWith` (all the part's keys for ''), in no particular order. */
  list(startsWith?: string): Promise<string[]>;
  /**
   * The files under one folder of this storage (a subdirectory; a longer
   * prefix in the bucket), e.g. one room's transcripts. `name` is one
   * folder name (letters, digits, `._-`), never a path.
   */
  folder(name: string): FileStorage;
  /** Removes the file; one that is not there is not an error. */
  remove(key: string): Promise<void>;
  /**
   * Runs `use` with a path on this host holding the file's bytes, for tools
   * that read files (Whisper, image decoders): the directory's own file, or a
   * temporary copy of the object removed afterwards.
   */
  withLocalFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T>;
}

/** The bucket's settings (S3_*): null when files stay in directories. */
export interface ObjectStoreSettings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Buckets addressed as <endpoint>/<bucket>/ (MinIO, Ceph, s3rver) rather than <bucket>.<endpoint>. */
  forcePathStyle: boolean;
}

/** Keys are single file names made by the server: never a path. */
export const KEY_PATTERN = /^[\w-][\w.-]{0,127}$/;

export function checkKey(key: string): string {
  if (!KEY_PATTERN.test(key) || key.includes('..')) throw new Error(`not a storage key: ${key}`);
  return key;
}

/** Folder names may be any letters (a room's title-like id), but never a path. */
const FOLDER_PATTERN = /^[\p{L}\p{N}_-][\p{L}\p{N}._-]{0,127}$/u;

export function checkFolder(name: string): string {
  if (!FOLDER_PATTERN.test(name) || name.includes('..')) throw new Error(`not a storage folder: ${name}`);
  return name;
}

export function objectStoreFromEnv(env: NodeJS.ProcessEnv): ObjectStoreSettings | null {
  const bucket = env.S3_BUCKET?.trim();
  if (!bucket) return null;
  const endpoint = env.S3_ENDPOINT?.trim() ?? '';
  if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint)) {
    throw new Error(`S3_ENDPOINT must be an http(s) URL, got ${endpoint}`);
  }
  const accessKeyId = env.S3_ACCESS_KEY_ID?.trim() ?? '';
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY?.trim() ?? '';
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('S3_BUCKET is set: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are needed too');
  }
  return {
    endpoint,
    bucket,
    region: env.S3_REGION?.trim() || 'us-east-1',
    accessKeyId,
    secretAccessKey,
    forcePathStyle: boolFromEnv(env, 'S3_FORCE_PATH_STYLE', true),
  };
}
