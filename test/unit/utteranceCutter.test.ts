// Utterances cut from real speech (espeak-ng) by the real VAD (libfvad).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CUTTER_OPTIONS,
  type UtteranceAudio,
  UtteranceCutter,
} from '../../transcriber/utteranceCutter.js';
import { Vad } from '../../transcriber/vad.js';
import { speechPieces } from '../../transcriber/voiceMessage.js';

const RATE = 16000;

function say(text: string): Float32Array {
  const pcm = execFileSync(
    'sh',
    ['-c', `espeak-ng -v ru -s 150 --stdout "$0" | ffmpeg -v error -i - -ac 1 -ar ${RATE} -f f32le -`, text],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const out = new Float32Array(pcm.length / 4);
  new Uint8Array(out.buffer).set(pcm);
  return out;
}

const silence = (ms: number): Float32Array => new Float32Array((ms / 1000) * RATE);

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function cut(pcm: Float32Array, options = DEFAULT_CUTTER_OPTIONS): Promise<UtteranceAudio[]> {
  const vad = await Vad.create(2);
  const out: UtteranceAudio[] = [];
  const cutter = new UtteranceCutter(
    (f) => vad.isSpeech(f),
    (u) => out.push(u),
    options,
  );
  // In 20 ms packets, as RTP brings it, starting at wall time 10 000.
  for (let i = 0; i < pcm.length; i += 320) cutter.push(pcm.subarray(i, i + 320), 10_000 + (i / RATE) * 1000);
  cutter.flush();
  vad.free();
  return out;
}

describe('utterance cutter', () => {
  it('cuts two sentences apart at the pause, with times that match the audio', async () => {
    const a = say('Здравствуйте, ребята.');
    const b = say('Откройте учебники.');
    const pcm = concat([silence(500), a, silence(1500), b, silence(1000)]);
    const finals = (await cut(pcm)).filter((u) => u.final);
    expect(finals.map((u) => u.index)).toEqual([0, 1]);
    const aStart = 10_500;
    const aEnd = aStart + (a.length / RATE) * 1000;
    const bStart = aEnd + 1500;
    const bEnd = bStart + (b.length / RATE) * 1000;
    // espeak pads its audio with a little silence, VAD adds pre-roll and a short tail.
    expect(Math.abs(finals[0]!.startMs - aStart)).toBeLessThan(400);
    expect(Math.abs(finals[0]!.endMs - aEnd)).toBeLessThan(400);
    expect(Math.abs(finals[1]!.startMs - bStart)).toBeLessThan(400);
    expect(Math.abs(finals[1]!.endMs - bEnd)).toBeLessThan(400);
    expect(finals[0]!.pcm.length).toBe(Math.round(((finals[0]!.endMs - finals[0]!.startMs) / 1000) * RATE));
  });

  it('offers a growing utterance as partials, then the final with the same number', async () => {
    const speech = say('Сегодня мы будем изучать дроби, а потом решим несколько задач.');
    const out = await cut(concat([silence(300), speech, silence(1000)]));
    const partials = out.filter((u) => !u.final);
    expect(partials.length).toBeGreaterThanOrEqual(2);
    expect(partials.every((p) => p.index === 0)).toBe(true);
    expect(partials[1]!.pcm.length).toBeGreaterThan(partials[0]!.pcm.length);
    expect(out.at(-1)).toMatchObject({ final: true, index: 0 });
  });

  it('cuts a long monologue at the maximum length and ignores a click', async () => {
    const click = new Float32Array(160).fill(0.9);
    const speech = say('Раз два три четыре пять шесть семь восемь девять десять одиннадцать двенадцать.');
    const options = { ...DEFAULT_CUTTER_OPTIONS, maxUtteranceMs: 2000, partialEveryMs: 0 };
    const out = await cut(concat([silence(500), click, silence(1000), speech, silence(1000)]), options);
    expect(out.length).toBeGreaterThanOrEqual(Math.floor(speech.length / RATE / 2));
    expect(out.every((u) => u.endMs - u.startMs <= 2000)).toBe(true);
    // Back to back: one piece ends where the next begins.
    expect(out[1]!.startMs - out[0]!.endMs).toBeLessThanOrEqual(20);
    // The click (at 10.5 s) made no utterance; speech starts at 11.51 s, with up to 400 ms of pre-roll.
    expect(out[0]!.startMs).toBeGreaterThan(11_100);
  });

  it('splits a long voice message at pauses into pieces Whisper takes', async () => {
    const sentence = say('Это длинное голосовое сообщение для проверки.');
    const parts: Float32Array[] = [];
    while (parts.reduce((n, p) => n + p.length, 0) < 40 * RATE) parts.push(sentence, silence(900));
    const pieces = await speechPieces(concat(parts));
    expect(pieces.length).toBeGreaterThanOrEqual(2);
    expect(pieces.every((p) => p.length <= 28 * RATE)).toBe(true);
  });
});
