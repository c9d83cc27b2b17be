// The broadcast side of the HLS load test, in a process of its own so its
// CPU is measured apart from the load generator: the real server (uWS, the
// room domain, the recorder feature) with a real call in it: a host
// connected over the WebSocket who starts the broadcast with the real
// request, and two people sending real RTP (Anna's camera; Boris sharing his
// screen, on and off every 7 s, so the program keeps switching). Prints one
// JSON line when it is live.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../app/config.js';
import { startServer } from '../app/server.js';
import { createLogger } from '../common/log.js';
import { TestClient } from '../test/helpers/protocolClient.js';
import { participantClip } from '../test/helpers/recordedRoom.js';
import { seatRtpParticipant } from '../test/helpers/rtpParticipant.js';
import { freeTcpUdpPort } from '../test/helpers/testServer.js';

const dir = mkdtempSync(join(tmpdir(), 'hls-load-'));
const config = loadConfig({
  ...process.env,
  ADMIN_SECRET: randomBytes(24).toString('base64url'),
  TOKEN_SECRET: randomBytes(24).toString('base64url'),
  PORT: '0',
  HOST: '127.0.0.1',
  MEDIA_LISTEN_IP: '127.0.0.1',
  MEDIA_ANNOUNCED_IP: '127.0.0.1',
  RTC_BASE_PORT: String(await freeTcpUdpPort()),
  // One call needs one worker; the free port found is checked for one.
  MEDIASOUP_WORKERS: '1',
  LOG_LEVEL: 'warn',
  RECORDINGS_DIR: join(dir, 'recordings'),
  RECORDING_MIN_FREE_MB: '100',
});
const server = await startServer(config, createLogger('warn', { loadtest: 'broadcast-server' }));
const httpUrl = `http://127.0.0.1:${server.port}`;
const admin = { authorization: `Bearer ${config.adminSecret}`, 'content-type': 'application/json' };
await fetch(`${httpUrl}/api/rooms`, {
  method: 'POST',
  headers: admin,
  body: JSON.stringify({ id: 'assembly', title: 'Нагрузочный тест' }),
});
const minted = await fetch(`${httpUrl}/api/rooms/assembly/tokens`, {
  method: 'POST',
  headers: admin,
  body: JSON.stringify({ displayName: 'Директор', role: 'host', userId: 'director' }),
});
const { token } = (await minted.json()) as { token: string };
const host = await TestClient.connect(`ws://127.0.0.1:${server.port}/ws`);
await host.request({ join: { roomId: 'assembly', token } });

const room = server.registry.get('assembly')!;
const anna = await seatRtpParticipant(room, {
  id: 'anna',
  displayName: 'Анна Петрова',
  role: 'host',
  clip: participantClip('0xd02020', 440),
});
const boris = await seatRtpParticipant(room, {
  id: 'boris',
  displayName: 'Борис',
  role: 'co-host',
  clip: participantClip('0x2040e0', 660),
  videoSource: 'screen',
});
const live = await host.request({ startBroadcast: {} });
const code = live.broadcast!.code!;
// The screen share goes on and off, as in a real event.
let sharing = true;
const turns = setInterval(() => {
  sharing = !sharing;
  (sharing ? boris.video.resume() : boris.video.pause())
    .then(() => room.producerStateChanged(boris.peer, boris.video))
    .catch(() => clearInterval(turns)); // the server is stopping
}, 7000);

/** The program pipeline's processes: children of this one running pipeline_host.py and the segmenter. */
function pipelinePids(): { gst: number; ffmpeg: number } {
  const out = { gst: 0, ffmpeg: 0 };
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1]);
      if (ppid !== process.pid) continue;
      if (cmd.includes('pipeline_host.py')) out.gst = Number(name);
      else if (cmd.includes('matroska')) out.ffmpeg = Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
let pids = pipelinePids();
for (let i = 0; i < 50 && (!pids.gst || !pids.ffmpeg); i++) {
  await new Promise((r) => setTimeout(r, 100));
  pids = pipelinePids();
}
console.log(
  JSON.stringify({
    url: httpUrl,
    code,
    pids,
    workerPids: server.pool.size ? [server.pool.slot(0).worker.pid] : [],
  }),
);
process.on('SIGTERM', async () => {
  clearInterval(turns);
  anna.leave();
  boris.leave();
  host.close();
  await server.close();
  // A pipeline still finishing may write one more file while the tree goes.
  rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  process.exit(0);
});
