// The public side of broadcasts under /b/: the viewer page, its status
// (state and viewer count), the viewer password, the live HLS playlist and
// segments from memory, and the recording once the broadcast has ended.
// Cache headers let nginx or a CDN carry the audience: the playlist may be
// reused for at most a second (HTTP's smallest non-zero max-age, about half
// of the 1-2 s between playlist updates players see), segments and init
// segments never change under their URL (the broadcast session is in it).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { withDemoMark } from '../common/demoMark.js';
import { parseJsonObject } from '../signaling/http/httpUtil.js';
import { PasswordBackoff, isRefused } from '../signaling/security/passwordBackoff.js';
import type { SharedLimits, Slots } from '../signaling/security/sharedLimits.js';
import { type Broadcast, type Broadcasts, isViewerId } from './broadcasts.js';
import { type HttpReply, errorReply, fileReply, jsonReply } from './httpReply.js';

/**
 * Viewers one address may add to a broadcast's count at once: a class
 * watching on its own devices behind the school's one address (Russian
 * classes are at most about 30 pupils), not a script inventing viewer ids.
 */
export const VIEWERS_PER_ADDRESS = 40;
/** A viewer reports every few seconds; one silent this long has left (as `Broadcasts`' own count). */
const VIEWER_LEASE_MS = 30_000;
import type { LiveWindow } from './liveWindow.js';
import type { RecordingStore, StoredFile } from './recordingStore.js';

export interface HttpRequestInfo {
  method: string;
  /** Path without the query, e.g. /b/abc/live.m3u8 */
  path: string;
  query: URLSearchParams;
  header(name: string): string | undefined;
  body?: Buffer;
  /** The client's address (wrong viewer passwords are slowed per address and broadcast). */
  address: string;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const PLAYLIST_CACHE = 'public, max-age=1';
const require = createRequire(import.meta.url);

function asset(path: string, type: string): HttpReply {
  return {
    status: 200,
    headers: { 'content-type': type, 'cache-control': 'public, max-age=3600' },
    body: readFileSync(path),
  };
}

const ASSETS: Record<string, () => HttpReply> = {
  // The full build: the light one has no subtitle (WebVTT) support.
  'hls.min.js': () => asset(require.resolve('hls.js/dist/hls.min.js'), 'text/javascript; charset=utf-8'),
  'viewer.js': () =>
    asset(new URL('./viewer/viewer.js', import.meta.url).pathname, 'text/javascript; charset=utf-8'),
  'viewer.css': () =>
    asset(new URL('./viewer/viewer.css', import.meta.url).pathname, 'text/css; charset=utf-8'),
};

/** The live playlists: the master (program + subtitles), the program's media playlist, the subtitles'. */
const PLAYLISTS = new Map<string, (live: LiveWindow) => string>([
  ['master.m3u8', (live) => live.master()],
  ['live.m3u8', (live) => live.playlist()],
  ['subtitles.m3u8', (live) => live.subtitles.playlist()],
]);

export class BroadcastHttp {
  private readonly assets = new Map<string, HttpReply>();
  private readonly page: Buffer;
  /** Guessing a viewer password is slowed like guessing a room's (join by code): one mechanism, shared by hosts. */
  private readonly backoff: PasswordBackoff;
  /** Viewers counted per (broadcast, address), shared by hosts like every limit. */
  private readonly viewerPlaces: Slots;
  constructor(
    private readonly broadcasts: Broadcasts,
    private readonly store: RecordingStore,
    limits: SharedLimits,
    /** Counts a refused request by its error code (metrics). */
    private readonly onRefused: (code: string) => void = () => {},
    /** The server runs the demo school: the page says «Демо» like every other. */
    demo = false,
  ) {
    this.backoff = new PasswordBackoff(limits, 'broadcast_password');
    this.viewerPlaces = limits.slots({ name: 'broadcast_viewers_per_address', leaseMs: VIEWER_LEASE_MS });
    const page = readFileSync(new URL('./viewer/index.html', import.meta.url).pathname);
    this.page = demo ? withDemoMark(page) : page;
  }

  /** Answers a request under /b/ (the password check later), or null when the path is not ours. */
  handle(req: HttpRequestInfo): HttpReply | Promise<HttpReply> | null {
    const parts = req.path.split('/');
    if (parts[1] !== 'b' || parts.length < 3) return null;
    if (parts[2] === 'assets' && parts.length === 4) return this.asset(parts[3]!);
    const b = this.broadcasts.get(parts[2]!);
    if (!b) return this.refuse(404, 'unknown-broadcast', 'no broadcast has this code');
    const rest = parts.slice(3);
    if (rest.length === 0) {
      if (req.method !== 'GET') return this.refuse(405, 'method-not-allowed', 'GET only');
      return {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
        body: this.page,
      };
    }
    if (rest.length === 1 && rest[0] === 'auth' && req.method === 'POST') return this.auth(b.code, req);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return this.refuse(405, 'method-not-allowed', 'GET only');
    if (rest.length === 1 && rest[0] === 'status') return this.status(b, req);
    if (!this.broadcasts.mayWatch(b, req.header('cookie'))) {
      return this.refuse(401, 'password-required', 'this broadcast needs its viewer password');
    }
    return this.media(b, rest, req);
  }

  /** State and viewer count; a viewer id is counted only while its address has a place for it. */
  private async status(b: Broadcast, req: HttpRequestInfo): Promise<HttpReply> {
    const id = req.query.get('viewer');
    let counted: string | null = null;
    if (id && isViewerId(id)) {
      const place = await this.viewerPlaces.hold(`${b.code}:${id}`, [
        { key: `${b.code}:${req.address}`, max: VIEWERS_PER_ADDRESS },
      ]);
      if ('renew' in place) counted = id;
    }
    const viewers = this.broadcasts.seen(b, counted);
    const mayWatch = this.broadcasts.mayWatch(b, req.header('cookie'));
    return jsonReply(200, {
      title: b.title,
      state: b.state,
      viewers,
      passwordRequired: b.passwordHash !== null,
      mayWatch,
      // Where the page reads and posts viewers' comments (messaging's /api/rooms/:id/comments).
      commentsRoom: mayWatch ? b.roomId : null,
      replay:
        b.state === 'ended' && b.recordingId !== null && (await this.store.media(b.recordingId)) !== null,
      // The room's subtitles are on: the page offers its toggle.
      subtitles: b.state === 'live' && (b.live?.subtitles.state.enabled ?? false),
      replaySubtitles:
        b.state === 'ended' && b.recordingId !== null && (await this.store.captions(b.recordingId)) !== null,
    });
  }

  /** The playlists, segments and replay of a broadcast the request may watch. */
  private media(b: Broadcast, rest: string[], req: HttpRequestInfo): HttpReply | Promise<HttpReply> {
    const playlist = rest.length === 1 ? PLAYLISTS.get(rest[0]!) : undefined;
    if (playlist) {
      if (!b.live) return this.refuse(404, 'not-live', 'the broadcast has not started');
      return {
        status: 200,
        headers: {
          'content-type': 'application/vnd.apple.mpegurl',
          'cache-control': b.live.ended ? 'no-cache' : PLAYLIST_CACHE,
        },
        body: playlist(b.live),
      };
    }
    if (rest.length === 2 && b.live) {
      const found = b.live.file(rest[0]!, rest[1]!);
      if (!found) return this.refuse(404, 'no-such-segment', 'that segment is not (or no longer) here');
      return {
        status: 200,
        headers: { 'content-type': found.contentType, 'cache-control': IMMUTABLE },
        body: found.bytes,
      };
    }
    if (rest.length === 1 && rest[0] === 'replay.mp4') {
      return this.replay(b.recordingId ? this.store.media(b.recordingId) : null, req, 'no-replay', {
        'content-type': 'video/mp4',
        'cache-control': 'public, max-age=3600',
      });
    }
    if (rest.length === 1 && rest[0] === 'replay.vtt') {
      return this.replay(
        b.recordingId ? this.store.captions(b.recordingId) : null,
        req,
        'no-replay-subtitles',
        {
          'content-type': 'text/vtt; charset=utf-8',
          'cache-control': 'public, max-age=3600',
        },
      );
    }
    return this.refuse(404, 'not-found', 'no such resource');
  }

  /** A broadcast's recording (or its captions) from the recordings' storage, whole or a Range of it. */
  private async replay(
    finding: Promise<StoredFile | null> | null,
    req: HttpRequestInfo,
    missing: 'no-replay' | 'no-replay-subtitles',
    headers: Record<string, string>,
  ): Promise<HttpReply> {
    const found = await finding;
    if (!found) {
      return missing === 'no-replay'
        ? this.refuse(404, missing, 'there is no recording of this broadcast')
        : this.refuse(404, missing, 'the recording of this broadcast has no subtitles');
    }
    return fileReply(found, req.header('range'), headers);
  }

  private async auth(code: string, req: HttpRequestInfo): Promise<HttpReply> {
    const b = this.broadcasts.get(code)!;
    let password = '';
    try {
      // The one JSON body parser (an object, the text rule): not a parse of its own.
      const parsed = parseJsonObject(req.body ?? Buffer.alloc(0));
      if (typeof parsed.password === 'string') password = parsed.password;
    } catch {
      return this.refuse(400, 'bad-request', 'send {"password": "..."}');
    }
    const turn = await this.backoff.turn(req.address, b.code);
    if (isRefused(turn)) {
      return turn.status === 429
        ? this.refuse(
            429,
            'too-many-attempts',
            `too many wrong attempts; try again in ${turn.retryAfterSeconds} s`,
          )
        : this.refuse(503, 'try-again', 'the password cannot be checked now; try again in a moment');
    }
    let right: boolean | null = null;
    try {
      right = await this.broadcasts.checkPassword(b, password);
    } finally {
      turn(right);
    }
    if (!right) return this.refuse(403, 'wrong-password', 'wrong viewer password');
    const cookie = `b_${b.code}=${this.broadcasts.accessToken(b)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400`;
    return { status: 204, headers: { 'set-cookie': cookie, 'cache-control': 'no-store' } };
  }

  private asset(name: string): HttpReply {
    const cached = this.assets.get(name);
    if (cached) return cached;
    const make = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!make) return this.refuse(404, 'not-found', 'no such asset');
    const reply = make();
    this.assets.set(name, reply);
    return reply;
  }

  private refuse(status: number, code: string, message: string): HttpReply {
    this.onRefused(code);
    return errorReply(status, code, message);
  }
}
