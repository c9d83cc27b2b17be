// The program's media process: GStreamer decodes the input slots, composes
// 1280x720 at 25 fps with the name of who is shown, mixes the audio slots,
// and encodes H.264 + AAC into streaming Matroska; ffmpeg (-c copy) cuts that into
// 1 s fragmented-MP4 HLS segments with EXT-X-PROGRAM-DATE-TIME. Both the
// recording and the broadcast are made from those segments.
//
// Input slots are fixed UDP ports fed by SlotRelay with one steady stream
// each, so nothing in the pipeline is added or removed while it runs; what
// changes is a pad's alpha and the label's text, through pipeline_host.py.
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '../common/log.js';

export const PROGRAM = {
  width: 1280,
  height: 720,
  fps: 25,
  /** One keyframe per second: segments are cut on keyframes, so this is also the segment length. */
  gop: 25,
  videoKbps: 2000,
  audioBps: 96_000,
  audioSlots: 4,
  videoPayloadType: 96,
  audioPayloadType: 100,
  jitterMs: 150,
  segmentSeconds: 1,
} as const;

export type VideoSlot = 'main' | 'corner';

/** Compositor pad of each video slot (sink_0 is the background). */
const VIDEO_PADS: Record<VideoSlot, string> = { main: 'sink_1', corner: 'sink_2' };
export const VIDEO_SLOT_ELEMENTS: Record<VideoSlot, string> = { main: 'v_main', corner: 'v_corner' };
export const audioSlotElement = (i: number) => `a_${i}`;

const CORNER = { width: 320, height: 180, margin: 24 };
const HOST_SCRIPT = new URL('./gst/pipeline_host.py', import.meta.url).pathname;

function videoInput(name: string, pad: string): string {
  const caps = `application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=${PROGRAM.videoPayloadType}`;
  return (
    `udpsrc name=${name} port=0 address=127.0.0.1 buffer-size=2097152 caps="${caps}" ! ` +
    // After a lost packet (late in the jitter buffer, say) the depayloader drops
    // frames until the next keyframe (a freeze, not a broken picture) and asks
    // upstream for one; pipeline_host.py passes that on to the recorder.
    `rtpjitterbuffer latency=${PROGRAM.jitterMs} drop-on-latency=true ! ` +
    `rtpvp8depay name=${name}_depay wait-for-keyframe=true request-keyframe=true ! vp8dec ! ` +
    `videoconvert ! queue max-size-buffers=3 leaky=downstream ! comp.${pad}`
  );
}

function audioInput(i: number): string {
  const caps = `application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=${PROGRAM.audioPayloadType}`;
  return (
    `udpsrc name=${audioSlotElement(i)} port=0 address=127.0.0.1 caps="${caps}" ! ` +
    `rtpjitterbuffer latency=${PROGRAM.jitterMs} drop-on-latency=true ! rtpopusdepay ! opusdec plc=true ! ` +
    'audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 ! amix.'
  );
}

/** The gst-launch description of the whole program. */
export function pipelineDescription(): string {
  const { width, height, fps } = PROGRAM;
  const cx = width - CORNER.width - CORNER.margin;
  const cy = CORNER.margin;
  const raw = `video/x-raw,width=${width},height=${height},framerate=${fps}/1`;
  return [
    // No ignore-inactive-pads on either mixer: in GStreamer 1.22 an aggregator
    // whose pads are all still "inactive" (no buffer yet, as on a busy machine
    // in the first few ms) takes them for EOS and ends its output for good;
    // the compositor did, and the recording had no video. The live test
    // sources behind sink_0 keep both mixers running without it.
    'compositor name=comp background=black latency=100000000',
    'sink_0::zorder=0',
    `${VIDEO_PADS.main}::zorder=1 ${VIDEO_PADS.main}::alpha=0 ${VIDEO_PADS.main}::width=${width} ${VIDEO_PADS.main}::height=${height} ${VIDEO_PADS.main}::sizing-policy=keep-aspect-ratio`,
    `${VIDEO_PADS.corner}::zorder=2 ${VIDEO_PADS.corner}::alpha=0 ${VIDEO_PADS.corner}::xpos=${cx} ${VIDEO_PADS.corner}::ypos=${cy} ${VIDEO_PADS.corner}::width=${CORNER.width} ${VIDEO_PADS.corner}::height=${CORNER.height} ${VIDEO_PADS.corner}::sizing-policy=keep-aspect-ratio`,
    `! ${raw},format=I420`,
    '! textoverlay name=label text="" valignment=bottom halignment=left xpad=32 ypad=28 font-desc="DejaVu Sans, 22" shaded-background=true',
    `! x264enc tune=zerolatency speed-preset=superfast bitrate=${PROGRAM.videoKbps} key-int-max=${PROGRAM.gop} ! video/x-h264,profile=main`,
    '! h264parse config-interval=-1 ! video/x-h264,stream-format=avc,alignment=au ! queue ! mux.',
    `videotestsrc is-live=true pattern=solid-color foreground-color=0xff1b2733 ! ${raw} ! comp.sink_0`,
    videoInput(VIDEO_SLOT_ELEMENTS.main, VIDEO_PADS.main),
    videoInput(VIDEO_SLOT_ELEMENTS.corner, VIDEO_PADS.corner),
    'audiomixer name=amix latency=100000000 ! audio/x-raw,rate=48000,channels=2',
    `! audioconvert ! voaacenc bitrate=${PROGRAM.audioBps} ! aacparse ! audio/mpeg,stream-format=raw ! queue ! mux.`,
    'audiotestsrc is-live=true wave=silence ! audio/x-raw,rate=48000,channels=2 ! amix.',
    ...Array.from({ length: PROGRAM.audioSlots }, (_, i) => audioInput(i)),
    // matroskamux waits for both streams; mpegtsmux (an aggregator) may time out
    // at start before x264 has caps and fail with "Could not create handler".
    'matroskamux name=mux streamable=true ! fdsink fd=1',
  ].join(' ');
}

/** ffmpeg's arguments: Matroska on stdin to 1 s fMP4 HLS segments in `dir`. */
export function segmenterArgs(dir: string): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'matroska',
    '-i',
    'pipe:0',
    '-c',
    'copy',
    '-f',
    'hls',
    '-hls_time',
    String(PROGRAM.segmentSeconds),
    '-hls_segment_type',
    'fmp4',
    '-hls_flags',
    'program_date_time+independent_segments+temp_file',
    '-hls_list_size',
    '20',
    '-hls_fmp4_init_filename',
    'init.mp4',
    '-hls_segment_filename',
    join(dir, 'seg%d.m4s'),
    join(dir, 'index.m3u8'),
  ];
}

interface ProgramEvents {
  /** Both processes are gone; `finished` when it was asked to finish. */
  exit: [info: { finished: boolean; code: number | null; signal: NodeJS.Signals | null }];
  /** A video slot's decoder lost its reference (its input element's name): it needs a keyframe. */
  keyframeWanted: [slotElement: string];
}

export class ProgramProcess extends EventEmitter<ProgramEvents> {
  private gst: ChildProcess;
  private ffmpeg: ChildProcess;
  private finishing = false;
  private exited = false;
  private readonly exits: Promise<void>;
  ports: Record<string, number> = {};

  private constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {
    super();
    mkdirSync(dir, { recursive: true });
    this.gst = spawn('/usr/bin/python3', [HOST_SCRIPT, pipelineDescription()], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    this.ffmpeg = spawn('ffmpeg', segmenterArgs(dir), { stdio: [this.gst.stdout!, 'ignore', 'pipe'] });
    this.gst.stderr!.on('data', (d: Buffer) =>
      this.log.debug({ gst: d.toString().trim() }, 'gstreamer says'),
    );
    this.ffmpeg.stderr!.on('data', (d: Buffer) =>
      this.log.warn({ ffmpeg: d.toString().trim() }, 'segmenter says'),
    );
    this.gst.stdin!.on('error', () => {});
    const gstExit = new Promise<void>((resolve) => this.gst.once('exit', () => resolve()));
    const ffExit = new Promise<void>((resolve) => this.ffmpeg.once('exit', () => resolve()));
    this.gst.once('exit', (code, signal) => {
      // Without its source the segmenter finishes the open segment and stops.
      if (!this.finishing) this.log.warn({ code, signal }, 'program pipeline stopped');
      if (this.lastExit.code === null && this.lastExit.signal === null) this.lastExit = { code, signal };
    });
    this.ffmpeg.once('exit', (code, signal) => {
      // Without its segmenter GStreamer would block on a full pipe and never exit (this
      // process holds the pipe's other end): end it, so the pipeline is seen dead and replaced.
      if (this.finishing || this.gst.exitCode !== null || this.gst.signalCode !== null) return;
      this.log.warn({ code, signal }, 'the segmenter stopped; ending the program pipeline');
      this.lastExit = { code, signal };
      this.gst.kill('SIGKILL');
    });
    this.exits = Promise.all([gstExit, ffExit]).then(() => {
      this.exited = true;
      this.emit('exit', { finished: this.finishing, ...this.lastExit });
    });
  }

  private lastExit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };

  /** Starts the processes and resolves once the input ports are bound. */
  static start(dir: string, log: Logger): Promise<ProgramProcess> {
    const p = new ProgramProcess(dir, log);
    return new Promise((resolve, reject) => {
      const events = createInterface({ input: p.gst.stdio[3] as NodeJS.ReadableStream });
      let ready = false;
      events.on('line', (line) => {
        let event: {
          event: string;
          ports?: Record<string, number>;
          slot?: string;
          message?: string;
          debug?: string;
        };
        try {
          event = JSON.parse(line);
        } catch {
          return;
        }
        if (event.event === 'ready' && event.ports) {
          p.ports = event.ports;
          ready = true;
          resolve(p);
        } else if (event.event === 'keyframe' && event.slot) {
          p.emit('keyframeWanted', event.slot);
        } else if (event.event === 'error' || event.event === 'commandError') {
          p.log.error({ gst: event }, 'program pipeline error');
        }
      });
      p.once('exit', (info) => {
        if (!ready)
          reject(new Error(`program pipeline exited before it was ready (${info.code ?? info.signal})`));
      });
    });
  }

  get pids(): { gst: number | undefined; ffmpeg: number | undefined } {
    return { gst: this.gst.pid, ffmpeg: this.ffmpeg.pid };
  }

  get isRunning(): boolean {
    return !this.exited;
  }

  setVisible(slot: VideoSlot, visible: boolean): void {
    this.command({ op: 'pad', element: 'comp', pad: VIDEO_PADS[slot], props: { alpha: visible ? 1 : 0 } });
  }

  setLabel(text: string): void {
    this.command({ op: 'set', element: 'label', props: { text } });
  }

  /** Ends the stream cleanly (the last segment is written), or kills it after the timeout. */
  async finish(timeoutMs = 5000): Promise<void> {
    if (this.exited) return;
    this.finishing = true;
    this.command({ op: 'eos' });
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    await this.exits;
    clearTimeout(timer);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.gst.kill(signal);
    this.ffmpeg.kill(signal);
  }

  whenExited(): Promise<void> {
    return this.exits;
  }

  private command(c: Record<string, unknown>): void {
    if (this.exited || !this.gst.stdin?.writable) return;
    this.gst.stdin.write(`${JSON.stringify(c)}\n`);
  }
}
