// The transcriber process: receives speakers' Opus RTP from mediasoup on one
// UDP socket, decodes it, cuts utterances with VAD and runs Whisper through
// the bounded queue. It runs apart from the server (and at a lower CPU
// priority) so inference can never stall signaling or the SFU, and a crash
// in native code takes only this process down; the server restarts it.
import { createSocket } from 'node:dgram';
import { createLogger } from '../common/log.js';
import { parseRtp } from '../common/rtpPacket.js';
import { type FileJob, InferenceQueue, type LiveJob } from './inferenceQueue.js';
import type { FromTranscriber, StreamSpec, ToTranscriber, TranscriberProcessOptions } from './ipcMessages.js';
import { SpeakerAudio } from './speakerAudio.js';
import { DEFAULT_CUTTER_OPTIONS, UtteranceCutter } from './utteranceCutter.js';
import { Vad } from './vad.js';
import { WhisperEngine } from './whisperEngine.js';

/** A stream that sent nothing for this long gives back its decoder and VAD. */
const STREAM_IDLE_MS = 5000;
const STATS_EVERY_MS = 1000;
const MAX_FILE_JOBS = 16;

interface Stream {
  spec: StreamSpec;
  audio: SpeakerAudio | null;
  vad: Vad | null;
}

const log = createLogger(process.env.LOG_LEVEL || 'info', { part: 'transcriber' });

function send(message: FromTranscriber): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as TranscriberProcessOptions;
  let engine: WhisperEngine;
  try {
    await Vad.preload();
    engine = await WhisperEngine.load(options.modelPath, options);
  } catch (err) {
    log.error({ err, modelPath: options.modelPath }, 'transcriber could not start');
    send({ type: 'failed', message: err instanceof Error ? err.message : 'could not start' });
    process.exit(1);
  }

  const cutterOptions = { ...DEFAULT_CUTTER_OPTIONS, partialEveryMs: options.partials ? 1000 : 0 };
  const streams = new Map<string, Stream>();
  const keyOfSource = new Map<string, string>();
  let decodeErrors = 0;

  const queue = new InferenceQueue(options.parallelJobs, options.maxQueuedSeconds, MAX_FILE_JOBS, {
    run: (job) => engine.transcribe(job),
    done(job, result) {
      if (job.kind === 'file') {
        send({ type: 'transcribed', id: job.id, text: result.text, language: result.language });
        return;
      }
      const line = {
        key: job.key,
        index: job.index,
        startMs: job.startMs,
        endMs: job.endMs,
        text: result.text,
        final: job.kind === 'final',
        language: result.language,
      };
      send({ type: 'subtitle', line, latencyMs: Date.now() - job.endMs });
    },
    failed(job, err) {
      log.error({ err, kind: job.kind }, 'transcription failed');
      if (job.kind === 'file') {
        send({
          type: 'transcribeFailed',
          id: job.id,
          message: err instanceof Error ? err.message : 'failed',
        });
      }
    },
    dropped(job) {
      send({ type: 'dropped', key: job.key, index: job.index, startMs: job.startMs, endMs: job.endMs });
    },
  });

  const openAudio = (stream: Stream): SpeakerAudio => {
    const vad = Vad.createSync(2);
    const cutter = new UtteranceCutter(
      (frame) => vad.isSpeech(frame),
      (u) => {
        const s = stream.spec;
        const job: LiveJob = {
          kind: u.final ? 'final' : 'partial',
          key: s.key,
          index: u.index,
          startMs: u.startMs,
          endMs: u.endMs,
          pcm: u.pcm,
          language: s.language,
          translate: s.translate,
        };
        queue.pushLive(job);
      },
      cutterOptions,
    );
    stream.vad = vad;
    stream.audio = new SpeakerAudio({
      pcm: (pcm, startMs) => cutter.push(pcm, startMs),
      gap: () => cutter.flush(),
    });
    return stream.audio;
  };

  const closeAudio = (stream: Stream): void => {
    if (stream.audio) {
      decodeErrors += stream.audio.decodeErrors;
      stream.audio.close();
    }
    stream.vad?.free();
    stream.audio = null;
    stream.vad = null;
  };

  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const packet = parseRtp(msg);
    if (!packet) return;
    const key = keyOfSource.get(`${rinfo.port}/${packet.ssrc}`);
    const stream = key === undefined ? undefined : streams.get(key);
    if (!stream) return;
    (stream.audio ?? openAudio(stream)).push(packet);
  });
  socket.on('error', (err) => log.error({ err }, 'transcriber RTP socket error'));
  await new Promise<void>((resolve) => socket.bind(0, options.rtpListenIp, resolve));

  const removeStream = (key: string): void => {
    const stream = streams.get(key);
    if (!stream) return;
    closeAudio(stream);
    streams.delete(key);
    keyOfSource.delete(`${stream.spec.sourcePort}/${stream.spec.ssrc}`);
    queue.forget(key);
  };

  process.on('message', (raw) => {
    const m = raw as ToTranscriber;
    switch (m.type) {
      case 'addStream': {
        const existing = streams.get(m.stream.key);
        if (existing) {
          keyOfSource.delete(`${existing.spec.sourcePort}/${existing.spec.ssrc}`);
          existing.spec = m.stream;
        } else {
          streams.set(m.stream.key, { spec: m.stream, audio: null, vad: null });
        }
        keyOfSource.set(`${m.stream.sourcePort}/${m.stream.ssrc}`, m.stream.key);
        break;
      }
      case 'removeStream':
        removeStream(m.key);
        break;
      case 'transcribe': {
        const job: FileJob = {
          kind: 'file',
          id: m.id,
          pcm: m.pcm,
          language: m.language,
          translate: m.translate,
        };
        if (!queue.pushFile(job)) send({ type: 'transcribeFailed', id: m.id, message: 'busy' });
        break;
      }
      case 'ping':
        // Answered from the event loop: a frozen or stuck process does not answer.
        send({ type: 'pong', id: m.id });
        break;
      case 'shutdown':
        socket.close();
        void engine.free().finally(() => process.exit(0));
        break;
    }
  });
  // The server went away: nothing left to transcribe for.
  process.on('disconnect', () => process.exit(0));

  setInterval(() => {
    const now = Date.now();
    let active = 0;
    let errors = decodeErrors;
    for (const s of streams.values()) {
      if (s.audio && now - s.audio.lastPacketMs > STREAM_IDLE_MS) closeAudio(s);
      if (s.audio) {
        active++;
        errors += s.audio.decodeErrors;
      }
    }
    const cpu = process.cpuUsage();
    send({
      type: 'stats',
      stats: {
        ...queue.snapshot(),
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        activeStreams: active,
        decodeErrors: errors,
      },
    });
  }, STATS_EVERY_MS).unref();

  send({ type: 'ready', rtpPort: socket.address().port });
  log.info({ rtpPort: socket.address().port, modelPath: options.modelPath }, 'transcriber ready');
}

main().catch((err) => {
  log.error({ err }, 'transcriber process failed');
  process.exit(1);
});
