// Transcripts for the HTTP API and the lesson page, from the transcripts'
// storage (TRANSCRIPT_DIR or the shared bucket, so any host reads any
// host's): each call's transcript of a room is `<room>/<name>.transcript.txt`
// and `.vtt` (written by Transcript).
import { text } from 'node:stream/consumers';
import type { FileStorage } from '../common/storage/fileStorage.js';
import { safeName } from './transcript.js';

const NAME = /^[\p{L}\p{N}._-]{1,120}$/u;
const SUFFIX = '.transcript.txt';

export interface StoredTranscript {
  name: string;
  text: string;
  vtt: string;
}

export class TranscriptStore {
  constructor(readonly storage: FileStorage) {}

  /** Names of a room's transcripts, newest first. */
  async list(roomId: string): Promise<string[]> {
    const keys = await this.storage.folder(safeName(roomId)).list();
    return keys
      .filter((f) => f.endsWith(SUFFIX))
      .map((f) => f.slice(0, -SUFFIX.length))
      .sort()
      .reverse();
  }

  /** One transcript, or null (also for names that could not be ours). */
  async read(roomId: string, name: string): Promise<StoredTranscript | null> {
    if (!NAME.test(name) || name.startsWith('.')) return null;
    const room = this.storage.folder(safeName(roomId));
    try {
      const [txt, vtt] = await Promise.all([
        room.read(`${name}.transcript.txt`).then(text),
        room.read(`${name}.transcript.vtt`).then(text),
      ]);
      return { name, text: txt, vtt };
    } catch {
      return null;
    }
  }
}
