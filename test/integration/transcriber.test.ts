// Subtitles from real speech: espeak-ng lines sent as RTP (with the audio
// level a browser adds) into a real mediasoup router by a participant; the
// transcriber consumes it over plain RTP, decodes, cuts utterances and runs a
// whisper.cpp model of tiny's real size (random weights, so the words are
// meaningless but every stage and its cost are real).
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTER_MEDIA_CODECS } from '../../sfu/mediaCodecs.js';
import { createLogger } from '../../signaling/log.js';
import { type TranscriberConfig, loadTranscriberConfig } from '../../transcriber/config.js';
import type {
  Microphone,
  RoomAudioSource,
  RoomAudioSourceEvents,
} from '../../transcriber/roomAudioSource.js';
import { RoomTranscription, type SubtitleEvent } from '../../transcriber/roomTranscription.js';
import { TranscriberService } from '../../transcriber/transcriberService.js';
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
    const [sentAt] = await Promise.all([annaMic.play(speech), borisMic.play(silence)]);
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
      expect(Math.abs(f.startMs - (sentAt + line.startMs))).toBeLessThan(800);
      expect(Math.abs(f.endMs - (sentAt + line.endMs))).toBeLessThan(800);
      // A final line comes after its utterance ended, not long after.
      expect(f.at).toBeGreaterThan(f.endMs);
      expect(f.at - f.endMs).toBeLessThan(10_000);
    }
    expect(first.endMs).toBeLessThanOrEqual(second.startMs);

    const transcript = await subtitles.stop(true);
    const files = await transcript.write(dir, 'lesson-1-2026', room.title);
    const text = readFileSync(files.text, 'utf8');
    const vtt = readFileSync(files.vtt, 'utf8');
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
});
