// A room for recorder tests: a real mediasoup router (RoomMedia on a real
// worker pool) and "participants" that are ffmpeg processes sending real RTP
// (VP8 + Opus) of a test picture in their own colour, with a moving burnt-in
// clock and a tone. It implements the recorder's RoomSource the way the room
// service does: snapshots plus change events.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { types } from 'mediasoup';
import { createLogger } from '../../common/log.js';
import type {
  RecordedParticipant,
  RecordedProducer,
  RoomSource,
  RoomSourceEvents,
} from '../../recorder/roomSource.js';
import { RoomMedia } from '../../sfu/roomMedia.js';
import { WorkerPool } from '../../sfu/workerPool.js';
import { freeTcpUdpPort } from './testServer.js';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/** A 20 s clip (VP8 640x360 25 fps, keyframe every second; Opus tone), made once per colour. */
export function participantClip(colour: string, toneHz: number): string {
  const dir = join(process.env.SCHOOL_CALL_CACHE ?? join(homedir(), '.cache/school-call'), 'recorder-test');
  const path = join(dir, `clip-${colour}-${toneHz}-v1.webm`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const clock = `drawtext=fontfile=${FONT}:text='%{pts\\:hms}':fontsize=44:fontcolor=white:x=40+200*(1+sin(t)):y=40`;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `color=c=${colour}:s=640x360:r=25,${clock}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${toneHz}:sample_rate=48000`,
    '-t',
    '20',
    '-c:v',
    'libvpx',
    '-b:v',
    '500k',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-g',
    '25',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    '-ac',
    '2',
    `${path}.tmp.webm`,
  ]);
  execFileSync('mv', [`${path}.tmp.webm`, path]);
  return path;
}

/**
 * A producer on a room's router fed by ffmpeg sending one stream of a clip
 * (VP8 or Opus, copied, not re-encoded) over a plain transport.
 */
export async function sendClipInto(
  media: RoomMedia,
  kind: 'video' | 'audio',
  clip: string,
  ssrc: number,
  appData: Record<string, unknown>,
): Promise<{ producer: types.Producer; sender: ChildProcess; transport: types.PlainTransport }> {
  const transport = await media.createPlainTransport('send', {
    listenIp: '127.0.0.1',
    comedia: true,
    rtcpMux: false,
  });
  const payloadType = kind === 'video' ? 101 : 100;
  const codec =
    kind === 'video'
      ? { mimeType: 'video/VP8', payloadType, clockRate: 90000 }
      : { mimeType: 'audio/opus', payloadType, clockRate: 48000, channels: 2 };
  const producer = await transport.produce({
    kind,
    rtpParameters: { codecs: [codec], encodings: [{ ssrc }] },
    appData,
  });
  const rtcpPort = transport.rtcpTuple?.localPort ?? transport.tuple.localPort;
  const sender = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-stream_loop',
      '-1',
      '-i',
      clip,
      '-map',
      `0:${kind === 'video' ? 'v' : 'a'}`,
      '-c',
      'copy',
      '-f',
      'rtp',
      '-ssrc',
      String(ssrc),
      '-payload_type',
      String(payloadType),
      `rtp://127.0.0.1:${transport.tuple.localPort}?rtcpport=${rtcpPort}&pkt_size=1200`,
    ],
    { stdio: 'ignore' },
  );
  return { producer, sender, transport };
}

interface TestParticipant extends RecordedParticipant {
  senders: ChildProcess[];
}

export class RecordedRoom extends EventEmitter<RoomSourceEvents> implements RoomSource {
  readonly title = 'Концерт 5Б';
  private readonly people = new Map<string, TestParticipant>();
  private readonly produced: RecordedProducer[] = [];

  private constructor(
    readonly roomId: string,
    readonly pool: WorkerPool,
    public media: RoomMedia,
  ) {
    super();
  }

  static async create(roomId: string): Promise<RecordedRoom> {
    const pool = await WorkerPool.create(
      { numWorkers: 1, listenIp: '127.0.0.1', announcedIp: '127.0.0.1', rtcBasePort: await freeTcpUdpPort() },
      createLogger('warn', { test: 'recorder' }),
    );
    return new RecordedRoom(roomId, pool, await RoomMedia.create(pool));
  }

  router(): types.Router | null {
    return this.media.isClosed ? null : this.media.router;
  }

  participants(): RecordedParticipant[] {
    return [...this.people.values()].map(({ id, displayName, isHost }) => ({ id, displayName, isHost }));
  }

  producers(): RecordedProducer[] {
    return this.produced.filter((p) => !p.producer.closed);
  }

  /** Joins a participant who sends camera and microphone from a clip. */
  async join(id: string, displayName: string, isHost: boolean, clip: string): Promise<void> {
    const person: TestParticipant = { id, displayName, isHost, senders: [] };
    this.people.set(id, person);
    for (const kind of ['video', 'audio'] as const) {
      const sent = await sendClipInto(this.media, kind, clip, 20_000 + this.produced.length, {
        participantId: id,
      });
      const { producer } = sent;
      this.produced.push({ producer, participantId: id, source: kind === 'video' ? 'camera' : 'microphone' });
      producer.observer.on('pause', () => this.emit('changed'));
      producer.observer.on('resume', () => this.emit('changed'));
      producer.observer.on('close', () => this.emit('changed'));
      person.senders.push(sent.sender);
    }
    this.emit('changed');
  }

  private speaker: string | null = null;

  currentSpeaker(): string | null {
    return this.speaker;
  }

  speak(id: string): void {
    this.speaker = id;
    this.emit('activeSpeaker', id);
    this.emit('speaking', [id]);
  }

  producerOf(id: string, source: RecordedProducer['source']): types.Producer | undefined {
    return this.producers().find((p) => p.participantId === id && p.source === source)?.producer;
  }

  async close(): Promise<void> {
    for (const p of this.people.values()) for (const s of p.senders) s.kill('SIGKILL');
    this.media.close();
    this.pool.close();
  }
}

/** Mean colour of the centre of the frame, `perSecond` times a second through the whole file. */
export function frameColours(file: string, perSecond: number): [number, number, number][] {
  const out = execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      file,
      '-vf',
      `fps=${perSecond},crop=400:200:440:300,scale=1:1`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { maxBuffer: 1 << 20 },
  );
  const colours: [number, number, number][] = [];
  for (let i = 0; i + 2 < out.length; i += 3) colours.push([out[i]!, out[i + 1]!, out[i + 2]!]);
  return colours;
}

/** The streams and duration ffprobe finds in a file. */
export function probe(file: string): { duration: number; codecs: string[] } {
  const out = JSON.parse(
    execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', file],
      {
        encoding: 'utf8',
      },
    ),
  ) as { format: { duration: string }; streams: { codec_name: string }[] };
  return { duration: Number(out.format.duration), codecs: out.streams.map((s) => s.codec_name) };
}

/** Saves the frame at `seconds` as a PNG under test-artifacts/ for a person to look at. */
export function saveFrame(file: string, seconds: number, name: string): string {
  const dir = join(process.cwd(), 'test-artifacts', 'recorder');
  mkdirSync(dir, { recursive: true });
  const png = join(dir, name);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-ss',
    String(seconds),
    '-i',
    file,
    '-frames:v',
    '1',
    png,
  ]);
  return png;
}
