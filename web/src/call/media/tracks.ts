// What the media engine sends and receives, in the words the rest of the
// browser uses: the local sources it may send, and a remote track with whom
// it comes from.
import { schoolcall } from '../../../../common/protocol/generated/protocol.js';

import pb = schoolcall.v1;

/** `whiteboard` and `document`: a host's board or presented page as video, for recordings and broadcasts. */
export type SendSource = 'microphone' | 'camera' | 'screen' | 'whiteboard' | 'document';

export const SOURCE_WIRE: Record<SendSource, pb.MediaSource> = {
  microphone: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
  camera: pb.MediaSource.MEDIA_SOURCE_CAMERA,
  screen: pb.MediaSource.MEDIA_SOURCE_SCREEN,
  whiteboard: pb.MediaSource.MEDIA_SOURCE_WHITEBOARD,
  document: pb.MediaSource.MEDIA_SOURCE_DOCUMENT,
};

export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  participantId: string;
  displayName: string;
  source: pb.MediaSource;
  track: MediaStreamTrack;
  /** The sender has paused it (muted, camera off): nothing arrives, show it as off. */
  producerPaused: boolean;
}

/** What we receive from one participant. */
export interface PersonMedia {
  name: string;
  camera?: RemoteTrack;
  screen?: RemoteTrack;
  audio?: RemoteTrack;
}
