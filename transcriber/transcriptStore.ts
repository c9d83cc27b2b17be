// Transcripts on disk, for the HTTP API: each call's transcript of a room is
// `<dir>/<room>/<name>.transcript.txt` and `.vtt` (written by Transcript).
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { safeName } from './transcript.js';

const NAME = /^[\p{L}\p{N}._-]{1,120}$/u;
const SUFFIX = '.transcript.txt';

export interface StoredTranscript {
  name: string;
  text: string;
  vtt: string;
}

export class TranscriptStore {
  constructor(readonly dir: string) {}

  /** Names of a room's transcripts, newest first. */
  async list(roomId: string): Promise<string[]> {
    let files: string[];
    try {
      files = await readdir(join(this.dir, safeName(roomId)));
    } catch {
      return [];
    }
    return files
      .filter((f) => f.endsWith(SUFFIX))
      .map((f) => f.slice(0, -SUFFIX.length))
      .sort()
      .reverse();
  }

  /** One transcript, or null (also for names that could not be ours). */
  async read(roomId: string, name: string): Promise<StoredTranscript | null> {
    if (!NAME.test(name) || name.startsWith('.')) return null;
    const base = join(this.dir, safeName(roomId), name);
    try {
      const [text, vtt] = await Promise.all([
        readFile(`${base}.transcript.txt`, 'utf8'),
        readFile(`${base}.transcript.vtt`, 'utf8'),
      ]);
      return { name, text, vtt };
    } catch {
      return null;
    }
  }
}
