// A call joined against an installed server, for the operator walk
// (scripts/walk-nspawn.sh, docs/operators-walk.md): creates a room through the
// admin API, joins a teacher and a pupil over the real protocol, sends the
// teacher's microphone and consumes it on the pupil's side. Not a test: it
// prints what happened and exits 1 on the first failure.
//
//   npx tsx test/walk/call.ts http://127.0.0.1:47080 ADMIN_SECRET [room]
import { TestClient, opusRtpParameters, pb } from '../helpers/protocolClient.js';

const [base, secret, room = 'walk'] = process.argv.slice(2);
if (!base || !secret) throw new Error('usage: call.ts BASE_URL ADMIN_SECRET [room]');
const admin = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
const created = await fetch(`${base}/api/rooms`, {
  method: 'POST',
  headers: admin,
  body: JSON.stringify({ id: room, settings: { waitingRoom: 'off' } }),
});
console.log(`POST /api/rooms ${room}: ${created.status}`);
const token = async (displayName: string, role: string) => {
  const res = await fetch(`${base}/api/rooms/${room}/tokens`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ displayName, role }),
  });
  return ((await res.json()) as { token: string }).token;
};
const wsUrl = `${base.replace(/^http/, 'ws')}/ws`;
const teacher = await TestClient.connect(wsUrl);
const pupil = await TestClient.connect(wsUrl);
try {
  await teacher.request({ join: { roomId: room, token: await token('Учитель', 'host') } });
  const joined = await pupil.request({ join: { roomId: room, token: await token('Ученик', 'participant') } });
  console.log(`joined: teacher and pupil in ${room}`);
  const send = await teacher.request({
    createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_SEND },
  });
  const produced = await teacher.request({
    produce: {
      transportId: send.webrtcTransport!.transportId!,
      kind: pb.MediaKind.MEDIA_KIND_AUDIO,
      source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
      rtpParameters: opusRtpParameters(424242),
    },
  });
  await pupil.waitForEvent((e) => e.producerAdded?.producer?.producerId === produced.produce?.producerId);
  const recv = await pupil.request({
    createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_RECV },
  });
  const c = recv.webrtcTransport?.iceCandidates?.[0];
  console.log(`pupil's receive transport: ICE candidate ${c?.ip}:${c?.port} ${c?.protocol}`);
  const consumed = await pupil.request({
    consume: {
      transportId: recv.webrtcTransport!.transportId,
      producerId: produced.produce!.producerId,
      rtpCapabilities: joined.join!.routerRtpCapabilities,
    },
  });
  if (consumed.consume?.kind !== pb.MediaKind.MEDIA_KIND_AUDIO)
    throw new Error('the pupil did not get the audio');
  console.log("pupil consumes the teacher's microphone: call joined");
} finally {
  teacher.close();
  pupil.close();
}
