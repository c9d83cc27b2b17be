// Speech for transcriber tests: espeak-ng says the lines, ffmpeg encodes them
// to Opus, and a sender plays the Opus packets as RTP in real time into a
// mediasoup plain transport, the way a browser does: 20 ms packets, each with
// the ssrc-audio-level header extension (RFC 6464) the SFU's audio-level
// observer reads to know who speaks.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { type Socket, createSocket } from 'node:dgram';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { types } from 'mediasoup';

export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
const LEVEL_EXTENSION_ID = 1;
const PAYLOAD_TYPE = 100;
const FRAME_SAMPLES = 960; // 20 ms at 48 kHz

export interface SpeechClip {
  /** One Opus packet per 20 ms. */
  packets: Buffer[];
  /** Audio level per packet, in -dBov (0 loudest, 127 silence). */
  levels: number[];
  /** Where each spoken line starts and ends in the clip (ms). */
  lines: { startMs: number; endMs: number }[];
  durationMs: number;
}

export type SpeechPart = { say: string; voice?: string } | { silenceMs: number };

const CACHE = join(tmpdir(), 'school-call-speech');

/** espeak-ng lines and silences, as Opus packets with levels. Cached per script. */
export function speechClip(parts: SpeechPart[]): SpeechClip {
  mkdirSync(CACHE, { recursive: true });
  const id = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
  const base = join(CACHE, id);
  const pcmPath = `${base}.s16`;
  const oggPath = `${base}.ogg`;
  const linesPath = `${base}.json`;
  if (!existsSync(pcmPath) || !existsSync(oggPath) || !existsSync(linesPath)) {
    const pieces: Buffer[] = [];
    const lines: { startMs: number; endMs: number }[] = [];
    let ms = 0;
    for (const [i, part] of parts.entries()) {
      if ('silenceMs' in part) {
        pieces.push(Buffer.alloc(Math.round((part.silenceMs / 1000) * 48000) * 2));
        ms += part.silenceMs;
        continue;
      }
      const wav = `${base}-${i}.wav`;
      execFileSync('espeak-ng', ['-v', part.voice ?? 'ru', '-s', '150', '-w', wav, part.say]);
      const pcm = execFileSync(
        'ffmpeg',
        ['-v', 'error', '-i', wav, '-f', 's16le', '-ac', '1', '-ar', '48000', '-'],
        {
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      rmSync(wav);
      pieces.push(pcm);
      const lengthMs = (pcm.length / 2 / 48000) * 1000;
      lines.push({ startMs: ms, endMs: ms + lengthMs });
      ms += lengthMs;
    }
    const pcm = Buffer.concat(pieces);
    execFileSync(
      'ffmpeg',
      [
        '-v',
        'error',
        '-y',
        '-f',
        's16le',
        '-ar',
        '48000',
        '-ac',
        '1',
        '-i',
        '-',
        '-c:a',
        'libopus',
        '-b:a',
        '32k',
        '-frame_duration',
        '20',
        '-application',
        'voip',
        oggPath,
      ],
      { input: pcm },
    );
    writeFileSync(pcmPath, pcm);
    writeFileSync(linesPath, JSON.stringify(lines));
  }
  const pcm = readFileSync(pcmPath);
  const packets = oggOpusPackets(readFileSync(oggPath));
  const levels = packets.map((_, i) => levelOf(pcm, i * FRAME_SAMPLES));
  return {
    packets,
    levels,
    lines: JSON.parse(readFileSync(linesPath, 'utf8')) as SpeechClip['lines'],
    durationMs: packets.length * 20,
  };
}

/** RFC 6464 level of 20 ms of s16 mono audio: -dBov, 0..127. */
function levelOf(pcm: Buffer, firstSample: number): number {
  let sum = 0;
  let n = 0;
  for (let i = firstSample; i < firstSample + FRAME_SAMPLES && (i + 1) * 2 <= pcm.length; i++) {
    const s = pcm.readInt16LE(i * 2) / 32768;
    sum += s * s;
    n++;
  }
  if (n === 0 || sum === 0) return 127;
  const dbov = 10 * Math.log10(sum / n);
  return Math.min(127, Math.max(0, Math.round(-dbov)));
}

/** The packets of an Ogg Opus file, without its two header packets (RFC 7845). */
export function oggOpusPackets(ogg: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let partial: Buffer[] = [];
  let offset = 0;
  while (offset + 27 <= ogg.length) {
    if (ogg.toString('latin1', offset, offset + 4) !== 'OggS') throw new Error('not an Ogg page');
    const segments = ogg[offset + 26]!;
    const table = ogg.subarray(offset + 27, offset + 27 + segments);
    let data = offset + 27 + segments;
    for (const size of table) {
      partial.push(ogg.subarray(data, data + size));
      data += size;
      if (size < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    offset = data;
  }
  return packets.filter(
    (p) =>
      !p.subarray(0, 8).equals(Buffer.from('OpusHead')) && !p.subarray(0, 8).equals(Buffer.from('OpusTags')),
  );
}

/** A microphone: an audio producer on a plain transport, fed by a SpeechSender. */
export async function speechProducer(
  router: types.Router,
  participantId: string,
  ssrc: number,
): Promise<{ transport: types.PlainTransport; producer: types.Producer }> {
  const transport = await router.createPlainTransport({
    listenIp: '127.0.0.1',
    comedia: true,
    rtcpMux: true,
  });
  const producer = await transport.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [
        { mimeType: 'audio/opus', payloadType: PAYLOAD_TYPE, clockRate: 48000, channels: 2, parameters: {} },
      ],
      encodings: [{ ssrc }],
      headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: LEVEL_EXTENSION_ID }],
    },
    appData: { participantId },
  });
  return { transport, producer };
}

/** Plays clips into a plain transport in real time, as one continuous RTP stream. */
export class SpeechSender {
  private readonly socket: Socket = createSocket('udp4');
  private seq = Math.floor(Math.random() * 65535);
  private timestamp = Math.floor(Math.random() * 2 ** 31);
  private stopped = false;

  constructor(
    private readonly port: number,
    private readonly ssrc: number,
  ) {}

  /** When each packet of the last clip actually left (a loaded machine sends some late). */
  sentTimes: number[] = [];

  /** Sends the clip; resolves with the wall time its first packet left. */
  async play(clip: SpeechClip): Promise<number> {
    const started = Date.now();
    this.sentTimes = [];
    for (let i = 0; i < clip.packets.length && !this.stopped; i++) {
      const due = started + i * 20;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.sentTimes.push(Date.now());
      this.send(clip.packets[i]!, clip.levels[i]!);
    }
    return started;
  }

  /** When the audio at `offsetMs` into the last clip was sent. */
  sentAt(offsetMs: number): number {
    const i = Math.min(this.sentTimes.length - 1, Math.max(0, Math.floor(offsetMs / 20)));
    return this.sentTimes[i]! + (offsetMs - i * 20);
  }

  private send(payload: Buffer, level: number): void {
    const header = Buffer.alloc(12);
    header[0] = 0x90; // version 2, header extension present
    header[1] = PAYLOAD_TYPE;
    header.writeUInt16BE(this.seq, 2);
    header.writeUInt32BE(this.timestamp >>> 0, 4);
    header.writeUInt32BE(this.ssrc, 8);
    // One-byte header extension (RFC 8285): id 1, one byte of data: V flag and level.
    const ext = Buffer.from([
      0xbe,
      0xde,
      0x00,
      0x01,
      (LEVEL_EXTENSION_ID << 4) | 0,
      (level < 127 ? 0x80 : 0) | level,
      0,
      0,
    ]);
    this.socket.send(Buffer.concat([header, ext, payload]), this.port, '127.0.0.1');
    this.seq = (this.seq + 1) & 0xffff;
    this.timestamp = (this.timestamp + FRAME_SAMPLES) >>> 0;
  }

  close(): void {
    this.stopped = true;
    this.socket.close();
  }
}
