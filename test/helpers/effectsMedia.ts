// Media for the effects tests and benchmark, made here from nothing:
// - a camera clip of a person (a drawn figure, which the segmentation model
//   takes for one) swaying in front of a bookshelf, as y4m for Chromium's
//   --use-file-for-fake-video-capture;
// - a microphone clip: espeak-ng speech with pauses, mixed by sox with a
//   fan's hum, typing and classroom chatter, as a WAV for
//   --use-file-for-fake-audio-capture.
// Both are cached in the temporary directory by content.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE = join(tmpdir(), 'school-call-effects-media');

function cached(parts: unknown, ext: string, make: (path: string) => void): string {
  mkdirSync(CACHE, { recursive: true });
  const id = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
  const path = join(CACHE, `${id}.${ext}`);
  if (!existsSync(path)) {
    const partial = `${path}.part-${process.pid}`;
    make(partial);
    renameSync(partial, path);
  }
  return path;
}

/** Where to look in a frame, as shares of its width and height. */
export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Inside the figure whatever its sway: the face and the shirt. */
export const PERSON_REGIONS: Region[] = [
  { x: 0.465, y: 0.36, w: 0.07, h: 0.1 },
  { x: 0.44, y: 0.82, w: 0.12, h: 0.12 },
];
/** Well away from the figure: the second shelf's books, left and right. */
export const BACKGROUND_REGIONS: Region[] = [
  { x: 0.08, y: 0.36, w: 0.2, h: 0.2 },
  { x: 0.72, y: 0.36, w: 0.2, h: 0.2 },
];

const SWAY = 0.03; // of the width, each way

function roomSvg(w: number, h: number): string {
  // Sharp-edged books in strong colours, so a blur shows.
  const colors = ['#e8c547', '#f4f1de', '#1f6f8b', '#e07a5f', '#3d405b', '#f2cc8f', '#6d597a', '#b56576'];
  let books = '';
  for (let row = 0; row < 2; row++) {
    for (let i = 0; i < 24; i++) {
      const x = (i / 24) * w + 2;
      books += `<rect x="${x}" y="${h * (0.05 + row * 0.3)}" width="${w / 24 - 4}" height="${h * 0.24}" fill="${colors[(i + row * 3) % colors.length]}"/>`;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
    <rect width="${w}" height="${h}" fill="#2f7f9f"/>${books}
    <rect x="0" y="${h * 0.29}" width="${w}" height="${h * 0.03}" fill="#5b3a29"/>
    <rect x="0" y="${h * 0.59}" width="${w}" height="${h * 0.03}" fill="#5b3a29"/></svg>`;
}

function figureSvg(w: number, h: number): string {
  // Drawn on a 640x360 grid and scaled.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 640 360">
    <defs>
      <radialGradient id="skin" cx="0.45" cy="0.4" r="0.7"><stop offset="0" stop-color="#f2c7a5"/><stop offset="1" stop-color="#c98f6b"/></radialGradient>
      <linearGradient id="shirt" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#d9443a"/><stop offset="1" stop-color="#b0322a"/></linearGradient>
    </defs>
    <path d="M170 360 C 180 270 240 245 320 240 C 400 245 460 270 470 360 Z" fill="url(#shirt)"/>
    <rect x="296" y="190" width="48" height="60" rx="14" fill="#d9a27f"/>
    <ellipse cx="320" cy="150" rx="62" ry="78" fill="url(#skin)"/>
    <path d="M256 150 C 250 80 290 60 322 62 C 360 62 392 85 384 150 C 380 115 360 100 320 98 C 285 100 262 115 256 150 Z" fill="#3b2416"/>
    <ellipse cx="296" cy="148" rx="8" ry="5" fill="#2b1a10"/><ellipse cx="344" cy="148" rx="8" ry="5" fill="#2b1a10"/>
    <path d="M286 134 q10 -6 20 0 M334 134 q10 -6 20 0" stroke="#3b2416" stroke-width="4" fill="none"/>
    <path d="M320 152 q-6 22 -2 28 q4 3 8 0" stroke="#b07050" stroke-width="3" fill="none"/>
    <path d="M298 196 q22 14 44 0" stroke="#9c4a3c" stroke-width="5" fill="none" stroke-linecap="round"/>
    <ellipse cx="258" cy="155" rx="9" ry="16" fill="#d9a27f"/><ellipse cx="382" cy="155" rx="9" ry="16" fill="#d9a27f"/>
  </svg>`;
}

/**
 * An SVG drawn to PNG by sharp in a child process: the server the tests run
 * in this process blocks libvips's SVG loader for all of it (common/pictures.ts).
 */
function svgToPng(svg: string): Buffer {
  const draw =
    "import sharp from 'sharp'; const parts = []; for await (const c of process.stdin) parts.push(c);" +
    ' process.stdout.write(await sharp(Buffer.concat(parts)).png().toBuffer());';
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', draw], {
    input: svg,
    cwd: REPO,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`drawing an SVG failed: ${result.stderr}`);
  return result.stdout;
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The room behind the figure, as the camera sees it (PNG), for comparing colours. */
export function roomPicture(width: number, height: number): Buffer {
  return svgToPng(roomSvg(width, height));
}

/**
 * A y4m clip of the figure swaying in front of the room: `seconds` long at
 * `fps`, looped by Chromium.
 */
export async function personClip(width = 640, height = 360, fps = 24, seconds = 2): Promise<string> {
  const key = { v: 1, width, height, fps, seconds };
  const id = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16);
  mkdirSync(CACHE, { recursive: true });
  const room = join(CACHE, `${id}-room.png`);
  const figure = join(CACHE, `${id}-figure.png`);
  writeFileSync(room, roomPicture(width, height));
  writeFileSync(figure, svgToPng(figureSvg(width, height)));
  return cached(key, 'y4m', (path) => {
    const sway = Math.round(SWAY * width);
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-loop',
      '1',
      '-framerate',
      String(fps),
      '-i',
      room,
      '-loop',
      '1',
      '-framerate',
      String(fps),
      '-i',
      figure,
      '-filter_complex',
      `[0][1]overlay=x='${sway}*sin(2*PI*t/${seconds})':y=0,format=yuv420p`,
      '-t',
      String(seconds),
      '-f',
      'yuv4mpegpipe',
      path,
    ]);
    rmSync(room, { force: true });
    rmSync(figure, { force: true });
  });
}

export interface NoisySpeech {
  /** Speech and noise mixed: what the microphone hears. */
  mixed: string;
  /** The noise alone and the speech alone, for reference levels. */
  noise: string;
  speech: string;
}

const NOISE_RMS_DB = -40;

const LINES = [
  'Сегодня мы повторим правило о безударных гласных.',
  'Откройте тетради и запишите число.',
  'Кто готов ответить у доски?',
];

/**
 * About twelve seconds: three spoken lines with pauses between them, and
 * under everything a fan (brown noise with a low hum), typing (short
 * clicks) and chatter (other voices, quiet and reverberant), made by sox.
 */
export type NoiseKind = 'fan' | 'keys' | 'chatter';

export function noisySpeech(kinds: NoiseKind[] = ['fan', 'keys', 'chatter']): NoisySpeech {
  const key = { v: 3, LINES, NOISE_RMS_DB, kinds };
  const dir = join(CACHE, createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16));
  const mixed = join(dir, 'mixed.wav');
  const noise = join(dir, 'noise.wav');
  const speech = join(dir, 'speech.wav');
  if (existsSync(mixed) && existsSync(noise) && existsSync(speech)) return { mixed, noise, speech };
  mkdirSync(dir, { recursive: true });
  const sox = (...args: string[]) => execFileSync('sox', args);
  const rate = ['-r', '48000', '-c', '1', '-b', '16'];

  // Speech: each line, then a pause; normalised to -3 dBFS peak.
  const pieces: string[] = [];
  for (const [i, line] of LINES.entries()) {
    const raw = join(dir, `line-${i}.wav`);
    execFileSync('espeak-ng', ['-v', 'ru', '-s', '140', '-w', raw, line]);
    const piece = join(dir, `piece-${i}.wav`);
    sox(raw, ...rate, piece, 'pad', '0.8', '1.2');
    pieces.push(piece);
  }
  sox(...pieces, ...rate, speech, 'norm', '-3');
  const seconds = Number(execFileSync('soxi', ['-D', speech]).toString().trim());

  // The fan: brown noise and a 100 Hz hum.
  const fan = join(dir, 'fan.wav');
  sox(
    '-n',
    ...rate,
    fan,
    'synth',
    String(seconds),
    'brownnoise',
    'synth',
    String(seconds),
    'sine',
    'mix',
    '100',
    'vol',
    '0.5',
  );
  // Typing: a click (a 15 ms burst of white noise, decaying), repeated unevenly.
  const click = join(dir, 'click.wav');
  sox('-n', ...rate, click, 'synth', '0.015', 'whitenoise', 'fade', 'q', '0.001', '0.015', '0.012');
  const twoKeys = join(dir, 'keys2.wav');
  sox(click, ...rate, twoKeys, 'pad', '0', '0.11', 'repeat', '1', 'pad', '0', '0.23');
  const keys = join(dir, 'keys.wav');
  sox(twoKeys, ...rate, keys, 'repeat', String(Math.ceil(seconds / 0.5)), 'trim', '0', String(seconds));
  // Chatter: two other voices, lower, slower, reverberant, as from across a room.
  const chatter = join(dir, 'chatter.wav');
  const voices = ['Ребята, а что задали на завтра по математике?', 'Я забыл дома учебник, дай посмотреть.'];
  const voiceFiles = voices.map((text, i) => {
    const raw = join(dir, `voice-${i}.wav`);
    execFileSync('espeak-ng', [
      '-v',
      i ? 'ru+f3' : 'ru+m3',
      '-s',
      '165',
      '-p',
      i ? '70' : '35',
      '-w',
      raw,
      text,
    ]);
    const looped = join(dir, `voice-${i}-loop.wav`);
    sox(raw, ...rate, looped, 'pad', String(0.4 + i * 0.7), '0.3', 'repeat', '8');
    return looped;
  });
  sox('-m', ...voiceFiles, ...rate, chatter, 'lowpass', '2500', 'reverb', '60', 'trim', '0', String(seconds));

  // The noise: fan, typing and chatter in about equal parts, together at
  // NOISE_RMS_DB (speech is about -27 dBFS RMS: a loud room at home).
  const chosen = { fan, keys, chatter };
  const parts = kinds
    .map((kind) => chosen[kind])
    .map((file) => {
      const level = join(dir, `level-${file.split('/').pop()}`);
      sox(file, ...rate, level, 'vol', String(10 ** ((NOISE_RMS_DB - 5 - soxRms(file)) / 20)));
      return level;
    });
  const unscaled = join(dir, 'noise-parts.wav');
  if (parts.length === 1) sox(parts[0]!, ...rate, unscaled);
  else sox('-m', ...parts.flatMap((f) => ['-v', '1', f]), ...rate, unscaled, 'trim', '0', String(seconds));
  sox(unscaled, ...rate, noise, 'vol', String(10 ** ((NOISE_RMS_DB - soxRms(unscaled)) / 20)));
  sox('-m', '-v', '1', speech, '-v', '1', noise, ...rate, mixed);
  for (const f of [...parts, unscaled]) rmSync(f, { force: true });
  for (const f of [...pieces, fan, click, twoKeys, keys, chatter, ...voiceFiles]) rmSync(f, { force: true });
  for (let i = 0; i < LINES.length; i++) rmSync(join(dir, `line-${i}.wav`), { force: true });
  for (let i = 0; i < voices.length; i++) rmSync(join(dir, `voice-${i}.wav`), { force: true });
  return { mixed, noise, speech };
}

export interface Levels {
  /** Power mean of the windows where the clean speech is silent: the noise that gets through, dBFS. */
  noiseDb: number;
  /** Power mean of the windows where the clean speech speaks, dBFS. */
  speechDb: number;
  /** sox stats' overall RMS level, dBFS. */
  rmsDb: number;
}

const WINDOW = 960; // 20 ms at 48 kHz

/** sox stats' RMS level of a file, dBFS. */
function soxRms(file: string): number {
  const stats = spawnSync('sox', [file, '-n', 'stats'], { encoding: 'utf8' }).stderr;
  return Number(/RMS lev dB\s+(-?[\d.]+)/.exec(stats)?.[1] ?? Number.NaN);
}

/** A sound file as 48 kHz mono samples in [-1, 1], decoded by ffmpeg. */
function samples(file: string): Float32Array {
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-ac', '1', '-ar', '48000', '-f', 'f32le', '-'],
    {
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  return new Float32Array(raw.buffer, raw.byteOffset, Math.floor(raw.length / 4));
}

/** Mean power of each 20 ms window. */
function envelope(x: Float32Array): Float64Array {
  const out = new Float64Array(Math.floor(x.length / WINDOW));
  for (let w = 0; w < out.length; w++) {
    let sum = 0;
    for (let i = w * WINDOW; i < (w + 1) * WINDOW; i++) sum += x[i]! * x[i]!;
    out[w] = sum / WINDOW;
  }
  return out;
}

const db = (power: number) => 10 * Math.log10(power + 1e-12);

/**
 * The noise and speech levels of a recording of `clean` (looped, with noise
 * added and whatever processing happened on the way). The recording is
 * lined up with the clean speech by the lag that best matches their
 * loudness over time; then windows where the clean speech is silent (well
 * away from any word) measure the noise, and windows where it speaks
 * measure the speech.
 */
export function levels(recorded: string, clean: string): Levels {
  const rec = envelope(samples(recorded));
  const ref = envelope(samples(clean));
  const n = ref.length;
  // Loudness in dB (floored), correlated: gain and noise on the way change
  // the level, not the rise and fall of the words.
  const recDb = Array.from(rec, (p) => Math.max(db(p), -80));
  const refDb = Array.from(ref, (p) => Math.max(db(p), -80));
  const centred = (xs: number[]) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    return xs.map((x) => x - mean);
  };
  const recC = centred(recDb);
  const refC = centred(refDb);
  const score = (lag: number, from: number, to: number) => {
    let sum = 0;
    for (let w = from; w < to; w++) sum += recC[w]! * refC[(((w + lag) % n) + n) % n]!;
    return sum;
  };
  const bestLag = (candidates: number[], from: number, to: number) =>
    candidates.reduce((best, lag) => (score(lag, from, to) > score(best, from, to) ? lag : best));
  const global = bestLag(
    Array.from({ length: n }, (_, i) => i),
    0,
    recC.length,
  );
  // Chromium's file capture does not loop seamlessly (a few hundred ms go
  // missing at the wrap), so each 2 s of the recording is lined up on its
  // own, near the overall lag.
  const CHUNK = 100;
  const lags = new Int32Array(recC.length);
  for (let from = 0; from < recC.length; from += CHUNK) {
    const to = Math.min(recC.length, from + CHUNK);
    const near = Array.from({ length: 2 * CHUNK + 1 }, (_, i) => global - CHUNK + i);
    lags.fill(bestLag(near, from, to), from, to);
  }
  const loudest = Math.max(...refDb);
  const speaking = refDb.map((d) => d > loudest - 30);
  // A gap window: no speech within 300 ms either side (the pauses are 2 s long; lining up is within a few windows).
  const gap = speaking.map((_, w) => {
    for (let k = -15; k <= 15; k++) if (speaking[(w + k + n) % n]) return false;
    return true;
  });
  let noise = 0;
  let noiseCount = 0;
  let speech = 0;
  let speechCount = 0;
  for (let w = 0; w < rec.length; w++) {
    const r = (((w + lags[w]!) % n) + n) % n;
    if (gap[r]) {
      noise += rec[w]!;
      noiseCount++;
    } else if (speaking[r]) {
      speech += rec[w]!;
      speechCount++;
    }
  }
  // sox prints its stats on stderr.
  const wav = `${recorded}.levels.wav`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', recorded, '-ac', '1', '-ar', '48000', wav]);
  const stats = spawnSync('sox', [wav, '-n', 'stats'], { encoding: 'utf8' }).stderr;
  rmSync(wav, { force: true });
  const rms = /RMS lev dB\s+(-?[\d.]+|-inf)/.exec(stats)?.[1];
  return {
    noiseDb: db(noise / Math.max(1, noiseCount)),
    speechDb: db(speech / Math.max(1, speechCount)),
    rmsDb: rms === undefined || rms === '-inf' ? Number.NEGATIVE_INFINITY : Number(rms),
  };
}
