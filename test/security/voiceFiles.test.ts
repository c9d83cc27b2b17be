// A twin of the SVG finding (#21): voice messages are decoded by ffmpeg for
// the transcriber, and ffmpeg follows concat lists and playlists. An
// "audio/webm" upload that is an ffconcat list naming another person's
// voice message (same folder, relative path: allowed by ffmpeg's own
// checks) would be transcribed into the attacker's message. Only the
// containers browsers record into may be opened.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../../transcriber/voiceMessage.js';

const dir = mkdtempSync(join(tmpdir(), 'voice-files-'));
const victim = join(dir, 'victimUploadId');
execFileSync('ffmpeg', [
  '-v',
  'error',
  '-f',
  'lavfi',
  '-i',
  'sine=f=440:d=1',
  '-c:a',
  'libopus',
  '-f',
  'webm',
  victim,
]);

describe('voice messages are decoded from their own bytes only', () => {
  it('a real recording decodes', async () => {
    expect((await decodeAudioFile(victim)).length).toBeGreaterThan(15_000);
  });

  it('a concat list naming another upload is refused', async () => {
    const attack = join(dir, 'attackerUploadId');
    writeFileSync(attack, 'ffconcat version 1.0\nfile victimUploadId\n');
    await expect(decodeAudioFile(attack)).rejects.toThrow(/could not decode/);
  });

  it('a playlist naming another upload is refused', async () => {
    const attack = join(dir, 'attackerPlaylist');
    writeFileSync(attack, `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${victim}\n#EXT-X-ENDLIST\n`);
    await expect(decodeAudioFile(attack)).rejects.toThrow(/could not decode/);
  });
});
