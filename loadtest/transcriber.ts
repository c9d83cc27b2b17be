import { EventEmitter } from 'node:events';
// Transcriber benchmark, in two parts.
//
// 1. Real-time factor of Whisper itself: seconds of speech (espeak-ng, cut
//    into utterances of 1.5-6 s) transcribed per CPU-second by whisper.cpp
//    with a tiny- and a base-sized model (real dimensions, random weights,
//    decoding capped at 5 tokens per second of audio like real speech),
//    one thread, runs interleaved (tiny, base, tiny, base, ...) because the
//    machine is shared. Both encoder windows: fitted to the utterance (the
//    default) and Whisper's full 30 s window.
// 2. Concurrent speakers through the whole path: N participants talk at the
//    same time, nonstop (sentences with short pauses), as real RTP with audio
//    levels into a mediasoup router; the transcriber takes their audio, cuts
//    utterances and transcribes them on ONE inference slot (one core). It
//    prints the latency from the end of each utterance to its final line,
//    the audio it had to drop, and its CPU use.
//
//   npm run loadtest:transcriber -- --speakers 4,6 --seconds 60 --repeats 3
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as mediasoup from 'mediasoup';
import { createLogger } from '../common/log.js';
import { ROUTER_MEDIA_CODECS } from '../sfu/mediaCodecs.js';
import { type SpeechPart, SpeechSender, speechClip, speechProducer } from '../test/helpers/speechRtp.js';
import { type TestModelSize, ensureTestModel } from '../test/helpers/whisperModel.js';
import { loadTranscriberConfig } from '../transcriber/config.js';
import type { RoomAudioSource, RoomAudioSourceEvents } from '../transcriber/roomAudioSource.js';
import { RoomTranscription, type SubtitleEvent } from '../transcriber/roomTranscription.js';
import { TranscriberService } from '../transcriber/transcriberService.js';
import { speechPieces } from '../transcriber/voiceMessage.js';
import { WhisperEngine } from '../transcriber/whisperEngine.js';
import { percentile } from './processStats.js';
import { cpuSeconds } from './processStats.js';
import { appendResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    speakers: { type: 'string', default: '4,6' },
    seconds: { type: 'string', default: '60' },
    repeats: { type: 'string', default: '3' },
    model: { type: 'string', default: 'base' },
    // The server runs the transcriber at niceness 10 so the SFU wins contention; on a
    // machine shared with other work that would measure the others' load, not ours.
    niceness: { type: 'string', default: '0' },
    'skip-rtf': { type: 'boolean', default: false },
    'skip-speakers': { type: 'boolean', default: false },
  },
});
const SPEAKERS = String(args.speakers).split(',').map(Number);
const SECONDS = Number(args.seconds);
const REPEATS = Number(args.repeats);
const MODEL = args.model as TestModelSize;
const TOKENS_PER_SECOND = 5;
const log = createLogger('warn');

const SENTENCES = [
  'Здравствуйте, ребята, садитесь.',
  'Сегодня мы продолжаем тему дробей.',
  'Откройте учебники на странице сорок два и прочитайте правило.',
  'Кто помнит, как сложить две дроби с разными знаменателями?',
  'Правильно, сначала нужно привести их к общему знаменателю.',
  'Запишите пример в тетрадь.',
  'Три четверти плюс одна шестая.',
  'Общий знаменатель здесь двенадцать, значит первая дробь равна девяти двенадцатым.',
];

function median(xs: number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

function spread(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[0]!.toFixed(1)}–${s.at(-1)!.toFixed(1)}`;
}

async function utterancesPcm(): Promise<Float32Array[]> {
  const parts: SpeechPart[] = SENTENCES.flatMap((say) => [{ say }, { silenceMs: 800 }]);
  const clip = speechClip(parts);
  // Decode the clip's own Opus packets back to 16 kHz, as the live path does, and cut it with the VAD.
  const { OpusDecoder } = await import('opus-decoder');
  const decoder = new OpusDecoder({
    sampleRate: 16000,
    channels: 1,
    streamCount: 1,
    coupledStreamCount: 0,
    channelMappingTable: [0],
  });
  await decoder.ready;
  const decoded = decoder.decodeFrames(clip.packets);
  decoder.free();
  return speechPieces(decoded.channelData[0]!.subarray(0, decoded.samplesDecoded));
}

async function rtfRun(engine: WhisperEngine, pieces: Float32Array[]): Promise<number> {
  const audio = pieces.reduce((n, p) => n + p.length / 16000, 0);
  const before = process.cpuUsage();
  for (const pcm of pieces) await engine.transcribe({ pcm, language: 'ru', translate: false });
  const used = process.cpuUsage(before);
  return audio / ((used.user + used.system) / 1e6);
}

async function realtimeFactors(): Promise<string[]> {
  const pieces = await utterancesPcm();
  const audio = pieces.reduce((n, p) => n + p.length / 16000, 0);
  const lines = [
    `speech: ${pieces.length} utterances, ${audio.toFixed(1)} s (${pieces.map((p) => (p.length / 16000).toFixed(1)).join(', ')} s)`,
    'real-time factor = seconds of audio per CPU-second, one thread (median of runs, range)',
  ];
  const sizes: TestModelSize[] = ['tiny', 'base'];
  const engines = new Map<string, WhisperEngine>();
  for (const size of sizes) {
    for (const window of ['fit', 'full'] as const) {
      engines.set(
        `${size}/${window}`,
        await WhisperEngine.load(ensureTestModel(size), {
          threadsPerJob: 1,
          maxTokensPerSecond: TOKENS_PER_SECOND,
          encoderWindow: window,
        }),
      );
    }
  }
  const results = new Map<string, number[]>();
  for (let r = 0; r < REPEATS; r++) {
    for (const size of sizes) {
      for (const window of ['fit', 'full'] as const) {
        // The full window costs ~10x: a third of the utterances are enough to time it.
        const set = window === 'full' ? pieces.slice(0, 3) : pieces;
        const key = `${size}/${window}`;
        const rtf = await rtfRun(engines.get(key)!, set);
        results.set(key, [...(results.get(key) ?? []), rtf]);
        console.log(`  run ${r + 1}: ${key} ${rtf.toFixed(2)}x`);
      }
    }
  }
  for (const [key, xs] of results) {
    const [size, window] = key.split('/');
    lines.push(
      `  ${size!.padEnd(5)} ${window === 'fit' ? 'encoder window fitted to the utterance' : 'full 30 s encoder window          '}  ${median(xs).toFixed(2)}x (${spread(xs)}, ${xs.length} runs)`,
    );
  }
  for (const e of engines.values()) await e.free();
  return lines;
}

class BenchRoom extends EventEmitter<RoomAudioSourceEvents> implements RoomAudioSource {
  readonly title = 'bench';
  mics: ReturnType<RoomAudioSource['microphones']> = [];
  constructor(
    readonly roomId: string,
    private readonly r: mediasoup.types.Router,
  ) {
    super();
  }
  router(): mediasoup.types.Router {
    return this.r;
  }
  microphones(): ReturnType<RoomAudioSource['microphones']> {
    return this.mics;
  }
}

interface SpeakersResult {
  p50: number;
  p95: number;
  max: number;
  finals: number;
  utterances: number;
  droppedS: number;
  load: number;
  cpuPct: number;
  rtf: number;
}

async function speakersRun(speakers: number): Promise<SpeakersResult> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS });
  const service = new TranscriberService(
    {
      ...loadTranscriberConfig({}),
      modelPath: ensureTestModel(MODEL),
      parallelJobs: 1,
      threadsPerJob: 1,
      maxTokensPerSecond: TOKENS_PER_SECOND,
      niceness: Number(args.niceness),
    },
    log,
  );
  await service.rtpPort();
  const room = new BenchRoom(`bench-${speakers}`, router);
  const mics = await Promise.all(
    Array.from({ length: speakers }, (_, i) => speechProducer(router, `speaker-${i}`, 5000 + i)),
  );
  room.mics = mics.map((m, i) => ({
    participantId: `speaker-${i}`,
    displayName: `speaker-${i}`,
    producer: m.producer,
  }));
  const subtitles = new RoomTranscription(
    room,
    service,
    { language: 'ru', translate: false, speakingThresholdDbov: -50, speakerIdleMs: 15_000 },
    log,
  );
  await subtitles.ready();
  const latencies: number[] = [];
  let finals = 0;
  let dropped = 0;
  subtitles.on('subtitle', (e: SubtitleEvent) => {
    if (!e.final) return;
    if (e.dropped) dropped++;
    else {
      finals++;
      latencies.push(Date.now() - e.endMs);
    }
  });
  // Each speaker says the sentences in its own order, so utterances end at different times.
  const clips = Array.from({ length: speakers }, (_, i) => {
    const order = SENTENCES.map((_, k) => SENTENCES[(k + i * 3) % SENTENCES.length]!);
    return speechClip([
      { silenceMs: 200 + 300 * i },
      ...order.flatMap((say) => [{ say }, { silenceMs: 700 }]),
    ]);
  });
  const senders = mics.map((m, i) => new SpeechSender(m.transport.tuple.localPort, 5000 + i));
  const started = Date.now();
  const pid = service.pid!;
  const cpu0 = cpuSeconds(pid);
  const stats0 = service.lastStats;
  await Promise.all(
    senders.map(async (s, i) => {
      while (Date.now() - started < SECONDS * 1000) await s.play(clips[i]!);
    }),
  );
  const wall = (Date.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  const stats = service.lastStats!;
  // Let the last utterances finish (they count for latency too).
  await new Promise((r) => setTimeout(r, 4000));
  for (const s of senders) s.close();
  await subtitles.stop();
  await service.close();
  worker.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  const transcribed = stats.transcribedSeconds - (stats0?.transcribedSeconds ?? 0);
  return {
    p50: percentile(sorted, 50) / 1000,
    p95: percentile(sorted, 95) / 1000,
    max: (sorted.at(-1) ?? Number.NaN) / 1000,
    finals,
    utterances: finals + dropped,
    droppedS: stats.droppedSeconds,
    load: loadavg()[0]!,
    cpuPct: (100 * cpu) / wall,
    rtf: transcribed / cpu,
  };
}

async function concurrentSpeakers(): Promise<string[]> {
  const lines = [
    `${MODEL}-sized model, ONE inference slot (1 thread), niceness ${args.niceness}, partials on, ${SECONDS} s of nonstop speech per run, runs interleaved`,
    'speakers  final-line latency after utterance end p50 / p95 / max   lines (dropped)   dropped audio   transcriber CPU   load avg',
  ];
  const runs = new Map<number, SpeakersResult[]>();
  for (let r = 0; r < REPEATS; r++) {
    for (const n of SPEAKERS) {
      const res = await speakersRun(n);
      console.log(`  run ${r + 1}: ${n} speakers`, JSON.stringify(res));
      runs.set(n, [...(runs.get(n) ?? []), res]);
    }
  }
  for (const [n, rs] of runs) {
    for (const res of rs) {
      lines.push(
        `${String(n).padStart(8)}  ${res.p50.toFixed(2)} s / ${res.p95.toFixed(2)} s / ${res.max.toFixed(2)} s`.padEnd(
          68,
        ) +
          `${res.finals} (${res.utterances - res.finals})`.padEnd(18) +
          `${res.droppedS.toFixed(1)} s`.padEnd(16) +
          `${res.cpuPct.toFixed(0)}% of a core`.padEnd(18) +
          res.load.toFixed(1),
      );
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const lines = [
    `machine: ${cpus().length} cores shared with other work (noisy): figures vary from run to run`,
  ];
  if (!args['skip-rtf']) lines.push(...(await realtimeFactors()));
  if (!args['skip-speakers']) lines.push('', ...(await concurrentSpeakers()));
  console.log(lines.join('\n'));
  appendResult(
    'Transcriber: Whisper real-time factor and concurrent speakers',
    `npm run loadtest:transcriber -- --speakers ${SPEAKERS.join(',')} --seconds ${SECONDS} --repeats ${REPEATS} --model ${MODEL} --niceness ${args.niceness}${args['skip-rtf'] ? ' --skip-rtf' : ''}${args['skip-speakers'] ? ' --skip-speakers' : ''}`,
    lines,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
