// Subtitles from real speech: espeak-ng lines sent as RTP (with the audio
// level a browser adds) into a real mediasoup router by a participant; the
// transcriber consumes it over plain RTP, decodes, cuts utterances and runs a
// whisper.cpp model of tiny's real size (random weights, so the words are
// meaningless but every stage and its cost are real).
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { DirectoryStorage } from '../../common/storage/directoryStorage.js';
import { ROUTER_MEDIA_CODECS } from '../../sfu/mediaCodecs.js';
import { type TranscriberConfig, loadTranscriberConfig } from '../../transcriber/config.js';
import type {
  Microphone,
  RoomAudioSource,
  RoomAudioSourceEvents,
} from '../../transcriber/roomAudioSource.js';
import { RoomTranscription, type SubtitleEvent } from '../../transcriber/roomTranscription.js';
import { TranscriberService } from '../../transcriber/transcriberService.js';
import { safeName } from '../../transcriber/transcript.js';
import { transcribeVoiceMessage } from '../../transcriber/voiceMessage.js';
import { SpeechSender, speechClip, speechProducer } from '../helpers/speechRtp.js';
import { ensureTestModel } from '../helpers/whisperModel.js';

const log = createLogger('warn');

/** A room as the transcriber sees it, backed by real producers on a real router. */
class TestRoom extends EventEmitter<RoomAudioSourceEvents> implements RoomAudioSource {
  readonly title = 'Математика, 5 «Б»';
  mics: Microphone[] = [];
  constructor(
    readonly roomId: string,
    private readonly r: types.Router,
  ) {
    super();
  }
  router(): types.Router {
    return this.r;
  }
  microphones(): Microphone[] {
    return this.mics;
  }
}

let worker: types.Worker;
let router: types.Router;
let modelPath: string;
let dir: string;

function config(overrides: Partial<TranscriberConfig> = {}): TranscriberConfig {
  return {
    ...loadTranscriberConfig({}),
    modelPath,
    parallelJobs: 1,
    // Random weights never say "end of text": cap them at a real speaker's rate.
    maxTokensPerSecond: 5,
    transcriptDir: dir,
    ...overrides,
  };
}

async function waitFor<T>(get: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  modelPath = ensureTestModel('tiny');
  dir = mkdtempSync(join(tmpdir(), 'transcripts-'));
  worker = await mediasoup.createWorker({ logLevel: 'warn' });
  router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS });
});

afterAll(async () => {
  worker?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('transcriber', () => {
  it('turns a participant’s speech into subtitle lines with that speaker and sane times, and writes the transcript', async () => {
    const service = new TranscriberService(config(), log);
    const room = new TestRoom('lesson-1', router);
    const anna = await speechProducer(router, 'p-anna', 1111);
    const boris = await speechProducer(router, 'p-boris', 2222);
    room.mics = [
      { participantId: 'p-anna', displayName: 'Анна Петрова', producer: anna.producer },
      { participantId: 'p-boris', displayName: 'Борис', producer: boris.producer },
    ];
    const subtitles = new RoomTranscription(
      room,
      service,
      { language: 'ru', translate: false, speakingThresholdDbov: -50, speakerIdleMs: 15_000 },
      log,
    );
    const events: (SubtitleEvent & { at: number })[] = [];
    subtitles.on('subtitle', (e) => events.push({ ...e, at: Date.now() }));
    await subtitles.ready();

    const speech = speechClip([
      { silenceMs: 600 },
      { say: 'Здравствуйте, ребята.' },
      { silenceMs: 1500 },
      { say: 'Откройте учебники на странице сорок два.' },
      { silenceMs: 1500 },
    ]);
    const silence = speechClip([{ silenceMs: 4000 }]);
    const annaMic = new SpeechSender(anna.transport.tuple.localPort, 1111);
    const borisMic = new SpeechSender(boris.transport.tuple.localPort, 2222);
    await Promise.all([annaMic.play(speech), borisMic.play(silence)]);
    const finals = await waitFor(
      () => {
        const f = events.filter((e) => e.final);
        return f.length >= 2 ? f : undefined;
      },
      20_000,
      'two final lines',
    );
    annaMic.close();
    borisMic.close();

    // Only Anna spoke: only her microphone was consumed, and every line is hers.
    expect(events.every((e) => e.participantId === 'p-anna' && e.speaker === 'Анна Петрова')).toBe(true);
    expect(subtitles.flowingCount).toBe(1);
    const [first, second] = finals as [SubtitleEvent & { at: number }, SubtitleEvent & { at: number }];
    expect(first.index).toBe(0);
    expect(second.index).toBe(1);
    for (const [i, line] of speech.lines.entries()) {
      const f = finals[i]!;
      expect(f.text.length).toBeGreaterThan(0);
      // Times on the wall clock match when the words were said (pre-roll, VAD and the
      // level detector's pace allow some slack).
      expect(Math.abs(f.startMs - annaMic.sentAt(line.startMs))).toBeLessThan(800);
      expect(Math.abs(f.endMs - annaMic.sentAt(line.endMs))).toBeLessThan(800);
      // A final line comes after its utterance ended, not long after.
      expect(f.at).toBeGreaterThan(f.endMs);
      expect(f.at - f.endMs).toBeLessThan(10_000);
    }
    expect(first.endMs).toBeLessThanOrEqual(second.startMs);

    const transcript = await subtitles.stop(true);
    const files = await transcript.write(new DirectoryStorage(dir), 'lesson-1-2026', room.title);
    // The default storage keeps the layout: <dir>/<room>/<name>.transcript.txt and .vtt.
    const text = readFileSync(join(dir, safeName('lesson-1'), files.text), 'utf8');
    const vtt = readFileSync(join(dir, safeName('lesson-1'), files.vtt), 'utf8');
    expect(text).toContain('Математика, 5 «Б»');
    expect(text.match(/^\[\d\d:\d\d:\d\d\] Анна Петрова: .+$/gm)?.length).toBe(2);
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
    expect(vtt.match(/^\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\n<v Анна Петрова>.+$/gm)?.length).toBe(
      2,
    );
    await service.close();
    anna.transport.close();
    boris.transport.close();
  });

  it('drops the oldest audio instead of queueing without bound when inference is slowed on purpose, and catches up', async () => {
    // The full 30 s encoder window makes every utterance cost ~10x more: three people
    // talking at once outrun one inference slot.
    const maxQueuedSeconds = 2;
    const service = new TranscriberService(
      config({ encoderWindow: 'full', maxQueuedSeconds, partials: false }),
      log,
    );
    const room = new TestRoom('lesson-2', router);
    const people = ['p-1', 'p-2', 'p-3'];
    const mics = await Promise.all(people.map((id, i) => speechProducer(router, id, 3000 + i)));
    room.mics = people.map((id, i) => ({ participantId: id, displayName: id, producer: mics[i]!.producer }));
    const subtitles = new RoomTranscription(
      room,
      service,
      { language: 'ru', translate: false, speakingThresholdDbov: -50, speakerIdleMs: 15_000 },
      log,
    );
    const events: SubtitleEvent[] = [];
    subtitles.on('subtitle', (e) => events.push(e));
    let maxQueued = 0;
    service.on('stats', (s) => {
      maxQueued = Math.max(maxQueued, s.queuedSeconds);
    });
    await subtitles.ready();

    const clip = speechClip([
      { silenceMs: 400 },
      { say: 'Первое предложение.' },
      { silenceMs: 900 },
      { say: 'Второе предложение.' },
      { silenceMs: 900 },
      { say: 'Третье предложение.' },
      { silenceMs: 900 },
    ]);
    const senders = mics.map((m, i) => new SpeechSender(m.transport.tuple.localPort, 3000 + i));
    await Promise.all(senders.map((s) => s.play(clip)));
    for (const s of senders) s.close();

    // Every utterance ends as exactly one final line or one drop, once the queue has drained.
    const settled = (): boolean => {
      const done = events.filter((e) => e.final);
      return done.length >= people.length * clip.lines.length;
    };
    await waitFor(
      () => (settled() ? true : undefined),
      60_000,
      'every utterance to be transcribed or dropped',
    );
    const dropped = events.filter((e) => e.dropped);
    const finals = events.filter((e) => e.final && !e.dropped);
    expect(dropped.length).toBeGreaterThan(0);
    expect(finals.length).toBeGreaterThan(0);
    expect(dropped.every((e) => e.text === '')).toBe(true);
    const stats = service.lastStats!;
    expect(stats.droppedUtterances).toBe(dropped.length);
    expect(stats.droppedSeconds).toBeGreaterThan(0);
    // The queue never held much more than its limit (one utterance may wait past it).
    const longestLineSeconds = Math.max(...clip.lines.map((l) => l.endMs - l.startMs)) / 1000 + 1;
    expect(maxQueued).toBeLessThanOrEqual(maxQueuedSeconds + longestLineSeconds);
    // Caught up: the newest words were transcribed, the oldest were the ones skipped.
    const lastIndex = clip.lines.length - 1;
    expect(finals.some((e) => e.index === lastIndex)).toBe(true);
    expect(Math.min(...dropped.map((e) => e.index))).toBeLessThan(lastIndex);
    for (const id of people) {
      const indices = events.filter((e) => e.final && e.participantId === id).map((e) => e.index);
      expect(new Set(indices).size).toBe(indices.length);
    }

    await subtitles.stop();
    await service.close();
    for (const m of mics) m.transport.close();
  });

  it('transcribes a voice message file with the same service', async () => {
    const service = new TranscriberService(config(), log);
    const wav = join(dir, 'voice.wav');
    execFileSync('espeak-ng', ['-v', 'ru', '-w', wav, 'Мама, я задержусь после уроков на кружок.']);
    const result = await transcribeVoiceMessage(service, wav, 'ru');
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.language).toBe('ru');
    await expect(transcribeVoiceMessage(service, join(dir, 'transcripts-absent.ogg'), 'ru')).rejects.toThrow(
      /ffmpeg/,
    );
    await service.close();
  });

  it('runs without a model: subtitles are reported unavailable and nothing starts', async () => {
    const service = new TranscriberService(config({ modelPath: null }), log);
    expect(service.availability).toBe('no-model');
    expect(service.usable).toBe(false);
    await expect(service.rtpPort()).rejects.toThrow(/no-model/);
    await expect(service.transcribePcm(new Float32Array(16000), 'ru')).rejects.toThrow(/no-model/);
    const missing = new TranscriberService(config({ modelPath: join(dir, 'absent.bin') }), log);
    expect(missing.availability).toBe('model-missing');
    await service.close();
    await missing.close();
  });

  it('reports a broken model file as failed instead of crashing', async () => {
    const broken = join(dir, 'broken.bin');
    writeFileSync(broken, Buffer.from('ggml but not really'));
    const service = new TranscriberService(config({ modelPath: broken }), log);
    expect(service.usable).toBe(true);
    await expect(service.rtpPort()).rejects.toThrow(/failed/);
    expect(service.availability).toBe('failed');
    await service.close();
  });
});
