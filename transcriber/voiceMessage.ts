// Voice messages from the chats, transcribed by the same Whisper process as
// live speech (behind live speech in its queue, never dropped). ffmpeg
// decodes whatever the browser recorded (Opus in WebM or Ogg, AAC, WAV...)
// to 16 kHz mono; the same VAD that cuts live utterances splits long
// messages at pauses into pieces Whisper takes (at most 30 s).
import { spawn } from 'node:child_process';
import type { TranscriberService } from './transcriberService.js';
import { UtteranceCutter } from './utteranceCutter.js';
import { Vad } from './vad.js';
import type { WhisperLanguage } from './whisperEngine.js';

const SAMPLE_RATE = 16000;
/** Voice messages longer than this are cut off (chat messages are short). */
export const MAX_VOICE_MESSAGE_SECONDS = 600;
const PIECE_MAX_MS = 28_000;
/** ffmpeg demuxers a recorded voice message may need (WebM, Ogg, MP4/M4A, WAV, MP3, AAC, FLAC). */
const VOICE_CONTAINERS = 'matroska,webm,ogg,mov,mp4,m4a,wav,mp3,aac,flac';

/** 16 kHz mono samples of an audio file, decoded by ffmpeg. */
export function decodeAudioFile(path: string, maxSeconds = MAX_VOICE_MESSAGE_SECONDS): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    const ff = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-nostdin',
        // Only containers a browser records into: never a playlist or concat
        // list (an upload that names other uploads would be transcribed as its own).
        '-format_whitelist',
        VOICE_CONTAINERS,
        '-protocol_whitelist',
        'file',
        '-i',
        path,
        '-t',
        String(maxSeconds),
        '-ac',
        '1',
        '-ar',
        String(SAMPLE_RATE),
      ].concat(['-f', 'f32le', '-']),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const chunks: Buffer[] = [];
    let stderr = '';
    ff.stdout.on('data', (c: Buffer) => chunks.push(c));
    ff.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-2000);
    });
    ff.on('error', reject);
    ff.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`ffmpeg could not decode the audio (exit ${code}): ${stderr.trim()}`));
        return;
      }
      const all = Buffer.concat(chunks);
      // Copy into an aligned buffer: Float32Array needs a 4-byte-aligned offset.
      const samples = new Float32Array(Math.floor(all.length / 4));
      new Uint8Array(samples.buffer).set(all.subarray(0, samples.length * 4));
      resolve(samples);
    });
  });
}

/** Pieces of at most ~28 s, cut at pauses, without the silences between them. */
export async function speechPieces(pcm: Float32Array): Promise<Float32Array[]> {
  const vad = await Vad.create(2);
  const pieces: Float32Array[] = [];
  try {
    const cutter = new UtteranceCutter(
      (frame) => vad.isSpeech(frame),
      (u) => {
        if (u.final && u.pcm.length) pieces.push(u.pcm);
      },
      {
        onsetFrames: 3,
        onsetWindowFrames: 5,
        preRollMs: 300,
        hangoverMs: 700,
        tailMs: 200,
        maxUtteranceMs: PIECE_MAX_MS,
        minSpeechMs: 200,
        partialEveryMs: 0,
      },
    );
    cutter.push(pcm, 0);
    cutter.flush();
  } finally {
    vad.free();
  }
  return pieces;
}

/** The text of a recording already in memory (16 kHz mono). */
export async function transcribeSpeech(
  service: TranscriberService,
  pcm: Float32Array,
  language: WhisperLanguage,
  translate = false,
): Promise<{ text: string; language: string }> {
  const texts: string[] = [];
  let heard = language as string;
  for (const piece of await speechPieces(pcm)) {
    const r = await service.transcribePcm(piece, language, translate);
    if (r.text) texts.push(r.text);
    heard = r.language;
  }
  return { text: texts.join(' '), language: heard };
}

/** The text of a voice message file. */
export async function transcribeVoiceMessage(
  service: TranscriberService,
  path: string,
  language: WhisperLanguage,
  translate = false,
): Promise<{ text: string; language: string }> {
  if (!service.usable) throw new Error(`transcriber ${service.availability}`);
  return transcribeSpeech(service, await decodeAudioFile(path), language, translate);
}
