// Prometheus metrics of the transcriber: how far behind it is (queue), what
// it had to skip (dropped audio), how fast it is (real-time factor) and how
// late subtitles are. The process reports cumulative figures each second;
// counters here advance by the difference.
import client from 'prom-client';
import type { TranscriberService } from './transcriberService.js';

/** The real-time factor is measured over this many seconds of reports. */
const RTF_WINDOW = 30;

export function registerTranscriberMetrics(service: TranscriberService, registry: client.Registry): void {
  const registers = [registry];
  new client.Gauge({
    name: 'school_call_transcriber_available',
    help: '1 when subtitles can be turned on (a Whisper model is loaded), else 0',
    registers,
    collect() {
      this.set(service.availability === 'available' ? 1 : 0);
    },
  });
  const queueSeconds = new client.Gauge({
    name: 'school_call_transcriber_queue_seconds',
    help: 'Seconds of speech waiting for Whisper',
    registers,
  });
  const queueJobs = new client.Gauge({
    name: 'school_call_transcriber_queue_jobs',
    help: 'Utterances and voice messages waiting for Whisper',
    registers,
  });
  const activeSpeakers = new client.Gauge({
    name: 'school_call_transcriber_active_speakers',
    help: 'Microphones whose audio is being decoded right now',
    registers,
  });
  const dropped = new client.Counter({
    name: 'school_call_transcriber_dropped_audio_seconds_total',
    help: 'Seconds of speech skipped because the transcriber fell behind',
    registers,
  });
  const droppedUtterances = new client.Counter({
    name: 'school_call_transcriber_dropped_utterances_total',
    help: 'Utterances skipped because the transcriber fell behind',
    registers,
  });
  const transcribed = new client.Counter({
    name: 'school_call_transcriber_audio_seconds_total',
    help: 'Seconds of audio transcribed (final lines, partials and voice messages)',
    registers,
  });
  const cpu = new client.Counter({
    name: 'school_call_transcriber_cpu_seconds_total',
    help: 'CPU seconds used by the transcriber process',
    registers,
  });
  const rtf = new client.Gauge({
    name: 'school_call_transcriber_realtime_factor',
    help: `Seconds of audio transcribed per CPU second over the last ${RTF_WINDOW} s (above 1: keeps up on one core)`,
    registers,
  });
  const latency = new client.Histogram({
    name: 'school_call_transcriber_subtitle_latency_seconds',
    help: 'From the end of an utterance to its final line',
    buckets: [0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30],
    registers,
  });

  let last = { dropped: 0, droppedUtterances: 0, transcribed: 0, cpu: 0 };
  const history: { transcribed: number; cpu: number }[] = [];
  service.on('stats', (s) => {
    queueSeconds.set(s.queuedSeconds);
    queueJobs.set(s.queuedJobs);
    activeSpeakers.set(s.activeStreams);
    // A restarted process starts counting from zero again.
    if (s.transcribedSeconds < last.transcribed || s.cpuSeconds < last.cpu) {
      last = { dropped: 0, droppedUtterances: 0, transcribed: 0, cpu: 0 };
      history.length = 0;
    }
    dropped.inc(s.droppedSeconds - last.dropped);
    droppedUtterances.inc(s.droppedUtterances - last.droppedUtterances);
    transcribed.inc(s.transcribedSeconds - last.transcribed);
    cpu.inc(s.cpuSeconds - last.cpu);
    last = {
      dropped: s.droppedSeconds,
      droppedUtterances: s.droppedUtterances,
      transcribed: s.transcribedSeconds,
      cpu: s.cpuSeconds,
    };
    history.push({ transcribed: s.transcribedSeconds, cpu: s.cpuSeconds });
    if (history.length > RTF_WINDOW) history.shift();
    const first = history[0]!;
    const cpuUsed = s.cpuSeconds - first.cpu;
    const audio = s.transcribedSeconds - first.transcribed;
    if (audio > 0 && cpuUsed > 0) rtf.set(audio / cpuUsed);
  });
  service.on('subtitle', (line, latencyMs) => {
    if (line.final) latency.observe(latencyMs / 1000);
  });
}
