// A participant in a real server room whose camera and microphone are real
// RTP from ffmpeg (a clip in its own colour and tone): seated through the
// room's own methods, so every listener (fan-out, recorder) sees the same
// events as for a browser. For tests and load tests that need real media in
// a call without a browser per person.
import type { ChildProcess } from 'node:child_process';
import type { types } from 'mediasoup';
import { Peer, type PeerChannel } from '../../signaling/domain/peer.js';
import type { RoleName } from '../../signaling/domain/roles.js';
import type { Room } from '../../signaling/domain/room.js';
import { MAIN } from '../../signaling/domain/roomDefinition.js';
import { sendClipInto } from './recordedRoom.js';

const silent: PeerChannel = {
  send() {},
  close() {},
  subscribe() {},
  unsubscribe() {},
  publishExceptSelf: () => true,
};

let nextSsrc = 30_000;

export interface RtpParticipant {
  peer: Peer;
  /** The camera or the screen share, as asked. */
  video: types.Producer;
  microphone: types.Producer;
  /** Pauses or resumes the microphone the way a client's request does (the room hears of it). */
  setMicPaused(paused: boolean): Promise<void>;
  /** Sends again on the room's current router, as a client does when told its media moved (a worker died). */
  republish(): Promise<void>;
  leave(): void;
}

export async function seatRtpParticipant(
  room: Room,
  person: {
    id: string;
    displayName: string;
    role: RoleName;
    clip: string;
    micPaused?: boolean;
    /** What the clip's picture is sent as (a camera unless told). */
    videoSource?: 'camera' | 'screen';
  },
): Promise<RtpParticipant> {
  await room.ensureMedia(MAIN);
  const peer = new Peer(
    {
      participantId: person.id,
      userId: person.id,
      displayName: person.displayName,
      sortName: person.displayName,
      role: person.role,
      tokenRole: person.role,
    },
    silent,
  );
  room.enter(peer, false);
  const senders: ChildProcess[] = [];
  const transports: types.PlainTransport[] = [];
  const stopSending = () => {
    for (const s of senders.splice(0)) s.kill('SIGKILL');
    for (const t of transports.splice(0)) t.close();
  };
  const produce = async (kind: 'video' | 'audio') => {
    const media = await room.ensureMedia(MAIN);
    const source = kind === 'video' ? (person.videoSource ?? 'camera') : 'microphone';
    const sent = await sendClipInto(media, kind, person.clip, nextSsrc++, {
      participantId: person.id,
      source,
    });
    senders.push(sent.sender);
    transports.push(sent.transport);
    if (kind === 'audio' && person.micPaused) await sent.producer.pause();
    room.addProducer(peer, sent.producer, source);
    if (kind === 'audio') await media.watchSpeaker(sent.producer.id);
    return sent.producer;
  };
  const seated: RtpParticipant = {
    peer,
    video: await produce('video'),
    microphone: await produce('audio'),
    async setMicPaused(paused) {
      if (paused) await seated.microphone.pause();
      else await seated.microphone.resume();
      room.producerStateChanged(peer, seated.microphone);
    },
    async republish() {
      stopSending();
      seated.video = await produce('video');
      seated.microphone = await produce('audio');
    },
    leave() {
      stopSending();
      room.leave(peer);
    },
  };
  return seated;
}
