// What hosts and co-hosts do to others and to the room: mute and block a
// microphone or camera (or allow it again), lower hands, call for
// attention, give or take the co-host role, remove or ban, change the
// room's settings and end the call for everyone. The server checks each.
import type { RequestBody } from '../protocol/signalingClient.js';
import { pb } from '../protocol/wire.js';
import type { CallContext } from './callContext.js';

type Source = 'microphone' | 'camera';

const SOURCE: Record<Source, pb.MediaSource> = {
  microphone: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
  camera: pb.MediaSource.MEDIA_SOURCE_CAMERA,
};

export class Moderation {
  constructor(private readonly ctx: CallContext) {}

  /** Mutes (and with `block`, keeps muted) these people's source, or everyone's with `all`. */
  mute(participantIds: string[], source: Source, block: boolean, all = false): Promise<boolean> {
    return this.send({ mute: { participantIds, all, source: SOURCE[source], block } });
  }

  /** Lifts a block of the microphone ("allow to speak") or of the camera. */
  allow(participantId: string, source: Source): Promise<boolean> {
    return this.send({ allowToSpeak: { participantId, source: SOURCE[source] } });
  }

  /**
   * A raised hand answered: the microphone allowed (which lifts a block and,
   * blocked or not, gives the pupil the cue on their microphone button), then the hand lowered.
   */
  giveFloor(p: pb.IParticipant): Promise<boolean> {
    const participantId = p.participantId ?? '';
    const call = this.ctx.call;
    return this.ctx.run(async () => {
      await call.request({
        allowToSpeak: { participantId, source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE },
      });
      if (p.handRaisedAt) await call.request({ lowerHands: { participantIds: [participantId], all: false } });
    });
  }

  lowerHands(participantIds: string[], all = false): Promise<boolean> {
    return this.send({ lowerHands: { participantIds, all } });
  }

  /** Calls one person (or, with no id, everyone) to attention. */
  attention(participantId: string, message = ''): Promise<boolean> {
    return this.send({ attractAttention: { participantId, message } });
  }

  setRole(participantId: string, role: pb.Role): Promise<boolean> {
    return this.send({ setRole: { participantId, role } });
  }

  remove(participantId: string, ban: boolean): Promise<boolean> {
    return this.send({ removeParticipant: { participantId, ban } });
  }

  updateSettings(settings: pb.IUpdateRoomSettingsRequest): Promise<boolean> {
    return this.send({ updateRoomSettings: settings });
  }

  endCall(): Promise<boolean> {
    return this.send({ endCall: {} });
  }

  private send(body: RequestBody): Promise<boolean> {
    return this.ctx.run(() => this.ctx.call.request(body));
  }
}
