// Writes a Whisper model file in whisper.cpp's ggml format with the real
// dimensions of tiny or base and random weights. No weights can be
// downloaded here; this file makes the whole path (load, encode, decode) run
// for real, at the real model's cost per second of audio. Its text is
// meaningless. Made once and cached outside the clone.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type TestModelSize = 'tiny' | 'base';

/** Encoder and decoder widths, heads and layers of OpenAI's multilingual checkpoints. */
const DIMS: Record<TestModelSize, { state: number; heads: number; layers: number }> = {
  tiny: { state: 384, heads: 6, layers: 4 },
  base: { state: 512, heads: 8, layers: 6 },
};
const N_VOCAB = 51865; // multilingual
const N_AUDIO_CTX = 1500;
const N_TEXT_CTX = 448;
const N_MELS = 80;
const N_FFT = 201;
const FTYPE_F16 = 1;
const GGML_MAGIC = 0x67676d6c;
/** Byte-level BPE base vocabulary; whisper.cpp adds the special tokens itself. */
const BASE_TOKENS = 50257;
const VERSION = 2;
/** The multilingual end-of-text token. */
const TOKEN_EOT = 50257;

export function testModelPath(size: TestModelSize): string {
  const dir = join(
    process.env.SCHOOL_CALL_CACHE ?? join(homedir(), '.cache/school-call'),
    'whisper-test-models',
  );
  return join(dir, `ggml-${size}-random-v${VERSION}.bin`);
}

/** The cached model file of this size, written first if missing (a few seconds). */
export function ensureTestModel(size: TestModelSize): string {
  const path = testModelPath(size);
  if (existsSync(path)) return path;
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeModel(tmp, DIMS[size]);
  renameSync(tmp, path);
  return path;
}

const SYLLABLES = [
  'ра',
  'ко',
  'ми',
  'ло',
  'не',
  'ду',
  'па',
  'ст',
  'ви',
  'ша',
  'те',
  'бо',
  'лу',
  'че',
  'жи',
  'ге',
];
const LETTERS = 'абвгдежзиклмнопрстуфхцчшщыэюя';

/** Printable ASCII for the first byte tokens (whisper.cpp looks up " "), then Russian-looking syllables. */
function token(i: number): string {
  if (i < 256) return i >= 32 && i < 127 ? String.fromCharCode(i) : LETTERS[i % LETTERS.length]!;
  return (i % 3 === 0 ? ' ' : '') + SYLLABLES[i % 16] + SYLLABLES[(i >> 4) % 16];
}

function writeModel(path: string, d: { state: number; heads: number; layers: number }): void {
  const fd = openSync(path, 'w');
  const ints = (...values: number[]): void => {
    const b = Buffer.alloc(4 * values.length);
    values.forEach((v, i) => b.writeInt32LE(v, i * 4));
    writeSync(fd, b);
  };
  let seed = 20240607;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed / 0x7fffffff - 0.5;
  };
  // Weights of magnitude ~0.05 keep activations finite through every layer.
  const halfPool = Buffer.alloc(1 << 20);
  for (let i = 0; i < halfPool.length / 2; i++) halfPool.writeUInt16LE(toHalf(random() * 0.1), i * 2);

  try {
    const s = d.state;
    ints(GGML_MAGIC, N_VOCAB, N_AUDIO_CTX, s, d.heads, d.layers, N_TEXT_CTX, s, d.heads, d.layers, N_MELS);
    ints(FTYPE_F16);
    ints(N_MELS, N_FFT);
    const filters = Buffer.alloc(N_MELS * N_FFT * 4);
    for (let m = 0; m < N_MELS; m++) filters.writeFloatLE(0.01, (m * N_FFT + 2 + 2 * m) * 4);
    writeSync(fd, filters);
    ints(BASE_TOKENS);
    for (let i = 0; i < BASE_TOKENS; i++) {
      const word = Buffer.from(token(i));
      ints(word.length);
      writeSync(fd, word);
    }

    const halves = (count: number): void => {
      for (let left = count * 2; left > 0; left -= halfPool.length) {
        writeSync(fd, halfPool, 0, Math.min(left, halfPool.length));
      }
    };
    const tensor = (
      name: string,
      shape: number[],
      kind: 'f16' | 'rand' | 'one' | 'zero',
      zeroRow = -1,
    ): void => {
      const nameBytes = Buffer.from(name);
      ints(shape.length, nameBytes.length, kind === 'f16' ? 1 : 0, ...shape);
      writeSync(fd, nameBytes);
      const n = shape.reduce((a, b) => a * b, 1);
      if (kind === 'f16' && zeroRow >= 0) {
        const row = shape[0]!;
        halves(zeroRow * row);
        writeSync(fd, Buffer.alloc(row * 2));
        halves(n - (zeroRow + 1) * row);
        return;
      }
      if (kind === 'f16') {
        halves(n);
        return;
      }
      const b = Buffer.alloc(n * 4);
      for (let i = 0; i < n; i++)
        b.writeFloatLE(kind === 'one' ? 1 : kind === 'zero' ? 0 : random() * 0.1, i * 4);
      writeSync(fd, b);
    };
    const block = (prefix: string, cross: boolean): void => {
      tensor(`${prefix}.mlp_ln.weight`, [s], 'one');
      tensor(`${prefix}.mlp_ln.bias`, [s], 'zero');
      tensor(`${prefix}.mlp.0.weight`, [s, 4 * s], 'f16');
      tensor(`${prefix}.mlp.0.bias`, [4 * s], 'zero');
      tensor(`${prefix}.mlp.2.weight`, [4 * s, s], 'f16');
      tensor(`${prefix}.mlp.2.bias`, [s], 'zero');
      for (const a of cross ? ['attn', 'cross_attn'] : ['attn']) {
        tensor(`${prefix}.${a}_ln.weight`, [s], 'one');
        tensor(`${prefix}.${a}_ln.bias`, [s], 'zero');
        tensor(`${prefix}.${a}.query.weight`, [s, s], 'f16');
        tensor(`${prefix}.${a}.query.bias`, [s], 'zero');
        tensor(`${prefix}.${a}.key.weight`, [s, s], 'f16');
        tensor(`${prefix}.${a}.value.weight`, [s, s], 'f16');
        tensor(`${prefix}.${a}.value.bias`, [s], 'zero');
        tensor(`${prefix}.${a}.out.weight`, [s, s], 'f16');
        tensor(`${prefix}.${a}.out.bias`, [s], 'zero');
      }
    };

    tensor('encoder.positional_embedding', [s, N_AUDIO_CTX], 'rand');
    tensor('encoder.conv1.weight', [3, N_MELS, s], 'f16');
    tensor('encoder.conv1.bias', [1, s], 'zero');
    tensor('encoder.conv2.weight', [3, s, s], 'f16');
    tensor('encoder.conv2.bias', [1, s], 'zero');
    tensor('encoder.ln_post.weight', [s], 'one');
    tensor('encoder.ln_post.bias', [s], 'zero');
    for (let i = 0; i < d.layers; i++) block(`encoder.blocks.${i}`, false);
    tensor('decoder.positional_embedding', [s, N_TEXT_CTX], 'rand');
    // Output logits are this matrix times the decoder state: a zero row for end-of-text
    // keeps random weights from ending (or skipping) a line at once, so decoding runs to the
    // per-second token cap as real speech would.
    tensor('decoder.token_embedding.weight', [s, N_VOCAB], 'f16', TOKEN_EOT);
    tensor('decoder.ln.weight', [s], 'one');
    tensor('decoder.ln.bias', [s], 'zero');
    for (let i = 0; i < d.layers; i++) block(`decoder.blocks.${i}`, true);
  } finally {
    closeSync(fd);
  }
}

/** IEEE 754 half precision (truncating; subnormals flush to zero, which these magnitudes never reach). */
function toHalf(value: number): number {
  const f = new Float32Array([value]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exponent = ((u >>> 23) & 0xff) - 127 + 15;
  if (exponent <= 0) return sign;
  if (exponent >= 31) return sign | 0x7c00;
  return sign | (exponent << 10) | ((u >>> 13) & 0x3ff);
}
