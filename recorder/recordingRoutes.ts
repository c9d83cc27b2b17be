// The admin API of recordings (list, read, download with HTTP Range, delete),
// the download route a host's signed link opens, and the recording state for
// the device-check page (with the participant's own join token).
import type { AdminAuth } from '../signaling/adminAuth.js';
import { HttpError, sendJson } from '../signaling/http/httpUtil.js';
import type { HttpRouter } from '../signaling/http/router.js';
import type { TokenService } from '../signaling/tokens.js';
import type { Broadcasts } from './broadcasts.js';
import { fileReply } from './httpReply.js';
import { RecordingLinks } from './recordingLinks.js';
import type { RecordingService } from './recordingService.js';
import { type RecordingMeta, type RecordingStore, isRecordingId } from './recordingStore.js';
import { sendReply } from './uwsReplies.js';

export interface RecordingRoutesDeps {
  store: RecordingStore;
  service: RecordingService;
  broadcasts: Broadcasts;
  links: RecordingLinks;
  adminAuth: AdminAuth;
  tokens: TokenService;
}

/** ASCII name for old clients, the title itself for the rest (RFC 6266). */
function attachment(meta: RecordingMeta): string {
  const title = meta.title.replace(/[\r\n"\\/]/g, ' ').trim() || 'recording';
  return `attachment; filename="recording-${meta.id}.mp4"; filename*=UTF-8''${encodeURIComponent(`${title}.mp4`)}`;
}

export function registerRecordingRoutes(router: HttpRouter, deps: RecordingRoutesDeps): void {
  const { store, service, links } = deps;
  const admin = { admin: true };

  const json = (m: RecordingMeta) => ({
    ...m,
    downloadPath: m.status === 'ready' ? RecordingLinks.filePath(m.id) : null,
  });
  /** A recording by id from the URL: 400 for anything that is not an id (a path, say), 404 if unknown. */
  const known = async (raw: string | undefined): Promise<RecordingMeta> => {
    const id = raw ?? '';
    if (!isRecordingId(id)) throw new HttpError(400, 'a recording id is 20 lowercase letters and digits');
    const meta = await store.get(id);
    if (!meta) throw new HttpError(404, 'recording not found');
    return meta;
  };

  router.route('get', '/api/recordings', 'list_recordings', admin, async (reply) => {
    sendJson(reply, 200, { recordings: (await store.list()).map(json) });
  });

  router.route(
    'get',
    '/api/rooms/:id/recordings',
    'list_room_recordings',
    admin,
    async (reply, { params }) => {
      sendJson(reply, 200, { recordings: (await store.list(params[0] ?? '')).map(json) });
    },
  );

  router.route('get', '/api/recordings/:id', 'get_recording', admin, async (reply, { params }) => {
    sendJson(reply, 200, json(await known(params[0])));
  });

  router.route('del', '/api/recordings/:id', 'delete_recording', admin, async (reply, { params }) => {
    const meta = await known(params[0]);
    if (!(await store.delete(meta.id))) throw new HttpError(409, 'the recording is still being written');
    deps.broadcasts.forgetRecording(meta.id);
    sendJson(reply, 200, { deleted: meta.id });
  });

  router.route(
    'get',
    '/api/recordings/:id/file',
    'download_recording',
    { admin: false, headers: ['authorization', 'range'] },
    async (reply, { params, headers, query }) => {
      const id = params[0] ?? '';
      if (!deps.adminAuth.check(headers.authorization ?? '') && !links.verify(id, query)) {
        throw new HttpError(401, 'the admin secret or a signed link is required');
      }
      const meta = await known(id);
      if (meta.status === 'failed') throw new HttpError(404, 'the recording failed; there is no file');
      if (meta.status !== 'ready') throw new HttpError(409, 'the recording is still being written');
      // Read from the storage, wherever the recording was made.
      const media = await store.media(meta.id);
      if (!media) throw new HttpError(404, 'the recording has no file');
      const file = fileReply(media, headers.range || undefined, {
        'content-type': 'video/mp4',
        'content-disposition': attachment(meta),
        'cache-control': 'private, no-store',
      });
      sendReply(reply, file);
    },
  );

  // For the device-check page: is this lesson being recorded? Asked with the participant's join token.
  router.route(
    'get',
    '/api/recording-state/:roomId',
    'recording_state',
    { admin: false, headers: ['authorization'] },
    async (reply, { params, headers }) => {
      const roomId = params[0] ?? '';
      const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
      const claims = token ? await deps.tokens.verify(token).catch(() => null) : null;
      if (!claims || claims.roomId !== roomId)
        throw new HttpError(401, 'a join token for this room is required');
      const { recording, broadcasting, broadcastUrl } = service.state(roomId);
      sendJson(reply, 200, { recording, broadcasting, broadcastUrl });
    },
  );
}
