// The broadcast side of the HLS load test, as its own process so that its
// CPU is measured apart from the load generator: a room with two
// participants sending real RTP, the program pipeline broadcasting it, and
// the /b/ endpoints over HTTP. Prints one JSON line when it is live.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../common/log.js';
import { BroadcastHttp } from '../recorder/broadcastHttp.js';
import { Broadcasts } from '../recorder/broadcasts.js';
import { RecordingStore } from '../recorder/recordingStore.js';
import { RoomRecorder } from '../recorder/roomRecorder.js';
import { RecordedRoom, participantClip } from '../test/helpers/recordedRoom.js';
import { serveReplies } from '../test/helpers/recorderHttp.js';

const log = createLogger('warn', { loadtest: 'broadcast-server' });
const dir = mkdtempSync(join(tmpdir(), 'hls-load-'));
const store = new RecordingStore({ dir: join(dir, 'recordings'), retentionDays: 1, minFreeBytes: 1 }, log);
const broadcasts = new Broadcasts();
const http = new BroadcastHttp(broadcasts, store);
const { url } = await serveReplies((req) => http.handle(req));
const room = await RecordedRoom.create('load');
await room.join('anna', 'Анна Петрова', true, participantClip('0xd02020', 440));
await room.join('boris', 'Борис', false, participantClip('0x2040e0', 660));
const recorder = new RoomRecorder(room, store, join(dir, 'work'), log);
room.speak('anna');
const b = broadcasts.create('load', 'Нагрузочный тест');
broadcasts.goLive(b, await recorder.startBroadcast(), recorder.broadcastRecording!.id);
// Speakers take turns, as in a real event.
let turn = 0;
setInterval(() => room.speak(++turn % 2 ? 'boris' : 'anna'), 7000);
const pids = recorder.programProcess!.pids;
console.log(
  JSON.stringify({
    url,
    code: b.code,
    pids,
    workerPids: room.pool.size ? [room.pool.slot(0).worker.pid] : [],
  }),
);
process.on('SIGTERM', async () => {
  await recorder.close();
  await room.close();
  process.exit(0);
});
