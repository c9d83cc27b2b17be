// The recording and broadcast requests (recording.proto). The room's host
// may use them, and co-hosts while the host allows it (roles.ts mayRecord);
// deleting a recording stays the host's; a recording id names one of this room's recordings or
// nothing (another room's is NOT_FOUND, so ids cannot be probed); the
// recorder's own refusals become their typed error codes. Every refusal
// happens before anything changes, and the session counts it.
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { mayRecord } from '../signaling/domain/roles.js';
import type { Room } from '../signaling/domain/room.js';
import { ErrorCode, SignalingError, forbidden, invalid, notFound } from '../signaling/errors.js';
import type { Handlers, RequestContext } from '../signaling/requests/handlerTable.js';
import type { RecordingLinks } from './recordingLinks.js';
import type { RecordingService } from './recordingService.js';
import { type RecordingMeta, type RecordingStore, isRecordingId } from './recordingStore.js';
import { RecorderError } from './roomRecorder.js';

import pb = schoolcall.v1;

export type RecorderRequest =
  | 'startRecording'
  | 'stopRecording'
  | 'startBroadcast'
  | 'stopBroadcast'
  | 'listRecordings'
  | 'deleteRecording'
  | 'getRecordingLink';

const PASSWORD_LENGTH = { min: 4, max: 64 };

const RECORDER_ERRORS: Record<RecorderError['code'], ErrorCode> = {
  'already-recording': ErrorCode.ERROR_CODE_ALREADY_RECORDING,
  'already-broadcasting': ErrorCode.ERROR_CODE_ALREADY_RECORDING,
  'not-recording': ErrorCode.ERROR_CODE_NOT_RECORDING,
  'not-broadcasting': ErrorCode.ERROR_CODE_NOT_RECORDING,
  'disk-full': ErrorCode.ERROR_CODE_DISK_FULL,
  'too-many': ErrorCode.ERROR_CODE_TOO_MANY_RECORDINGS,
  unavailable: ErrorCode.ERROR_CODE_RECORDER_UNAVAILABLE,
};

/** Runs a recorder call; its refusals become typed protocol errors. */
async function refusing<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof RecorderError) throw new SignalingError(RECORDER_ERRORS[err.code], err.message);
    throw err;
  }
}

export function recordingToWire(meta: RecordingMeta): pb.IRecordingInfo {
  return {
    recordingId: meta.id,
    title: meta.title,
    kind:
      meta.kind === 'broadcast'
        ? pb.RecordingKind.RECORDING_KIND_BROADCAST
        : pb.RecordingKind.RECORDING_KIND_LESSON,
    status: {
      recording: pb.RecordingStatus.RECORDING_STATUS_RECORDING,
      finalizing: pb.RecordingStatus.RECORDING_STATUS_FINALIZING,
      ready: pb.RecordingStatus.RECORDING_STATUS_READY,
      failed: pb.RecordingStatus.RECORDING_STATUS_FAILED,
    }[meta.status],
    startedAt: Date.parse(meta.startedAt),
    endedAt: meta.endedAt ? Date.parse(meta.endedAt) : 0,
    durationSeconds: meta.durationSeconds,
    sizeBytes: meta.sizeBytes,
    stopReason: meta.stopReason ?? '',
    gaps: meta.gaps ?? [],
  };
}

export interface RecorderHandlerDeps {
  service: RecordingService;
  store: RecordingStore;
  links: RecordingLinks;
}

export function recorderHandlers({ service, store, links }: RecorderHandlerDeps): Handlers<RecorderRequest> {
  const recorderRoom = (ctx: RequestContext): Room => {
    const { room, peer } = ctx.present();
    if (!mayRecord(peer.identity.role, room.settings)) {
      throw forbidden('only the host, or co-hosts the host allows, may record or broadcast');
    }
    return room;
  };
  const hostRoom = (ctx: RequestContext): Room => {
    const { room, peer } = ctx.present();
    if (peer.identity.role !== 'host') throw forbidden('only the host may delete a recording');
    return room;
  };
  /** One of this room's recordings; another room's is NOT_FOUND. */
  const ownRecording = (room: Room, id: string | null | undefined): RecordingMeta => {
    if (!isRecordingId(id)) throw invalid('recording_id must be 20 lowercase letters and digits');
    const meta = store.get(id);
    if (!meta || meta.roomId !== room.id) throw notFound('recording');
    return meta;
  };
  const finished = (meta: RecordingMeta): RecordingMeta => {
    if (meta.status === 'recording' || meta.status === 'finalizing') {
      throw new SignalingError(ErrorCode.ERROR_CODE_RECORDING_BUSY, 'the recording is still being written');
    }
    return meta;
  };

  return {
    startRecording: async (ctx) => {
      const room = recorderRoom(ctx);
      return { recordingStarted: recordingToWire(await refusing(() => service.startRecording(room))) };
    },
    stopRecording: async (ctx) => {
      const room = recorderRoom(ctx);
      return { recordingStopped: recordingToWire(await refusing(() => service.stopRecording(room))) };
    },
    startBroadcast: async (ctx, req) => {
      const room = recorderRoom(ctx);
      const password = req.viewerPassword ?? '';
      if (password && (password.length < PASSWORD_LENGTH.min || password.length > PASSWORD_LENGTH.max)) {
        throw invalid(`viewer_password must be ${PASSWORD_LENGTH.min}-${PASSWORD_LENGTH.max} characters`);
      }
      const b = await refusing(() => service.startBroadcast(room, password || undefined));
      return {
        broadcast: { code: b.code, url: service.broadcastUrl(b), passwordRequired: b.passwordHash !== null },
      };
    },
    stopBroadcast: async (ctx) => {
      const room = recorderRoom(ctx);
      const meta = await refusing(() => service.stopBroadcast(room));
      return { broadcastRecording: meta ? recordingToWire(meta) : {} };
    },
    listRecordings: (ctx) => {
      const room = recorderRoom(ctx);
      return { recordings: { recordings: store.list(room.id).map(recordingToWire) } };
    },
    deleteRecording: async (ctx, req) => {
      const room = hostRoom(ctx);
      const meta = finished(ownRecording(room, req.recordingId));
      await store.delete(meta.id);
      return undefined;
    },
    getRecordingLink: (ctx, req) => {
      const room = recorderRoom(ctx);
      const meta = finished(ownRecording(room, req.recordingId));
      if (meta.status !== 'ready') throw notFound('recording file');
      return { recordingLink: links.make(meta.id) };
    },
  };
}
