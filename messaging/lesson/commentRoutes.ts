// Viewers of a broadcast comment without an account, over plain HTTP for the
// viewer page: read the published comments after the last one seen (polled;
// cheap and cacheable), and post one with a name. The organiser's setting
// decides: off (refused), on (published at once) or moderated (waits for a
// host or co-host, who approves or deletes it from the call). Posting is
// limited per address. Comments belong to a broadcast: the room keeps one
// comments chat (its mode and the hosts' moderation carry over), each comment
// is stamped with the code of the broadcast it was written under, and a
// viewer reads only the comments of the broadcast it may watch (the room's
// latest), so a later audience, with or without a password, never sees an
// earlier one's; a comment is posted only while that broadcast is live. The
// name is a self-chosen name: it passes the join page's check
// (signaling/http/guestNames.ts) against the room's own people.
import { randomBytes } from 'node:crypto';
import type { RoomRegistry } from '../../signaling/domain/roomRegistry.js';
import { checkGuestName } from '../../signaling/http/guestNames.js';
import { HttpError, sendJson } from '../../signaling/http/httpUtil.js';
import type { HttpRouter } from '../../signaling/http/router.js';
import type { SharedLimits } from '../../signaling/security/sharedLimits.js';
import { ChatError, ChatErrorCode } from '../errors.js';
import type { Messenger } from '../messenger.js';
import type { ChatMetrics } from '../metrics.js';
import * as check from '../validate.js';
import { commentsChatId } from './lessonChats.js';

const open = { admin: false, headers: ['cookie'] };
// Per address, on every host.
const COMMENTS = { name: 'broadcast_comments', limit: 5, windowMs: 30_000 };
const PAGE = 100;
const COMMENT_MAX_CHARS = 500;

export function registerCommentRoutes(
  router: HttpRouter,
  deps: {
    messenger: Messenger | null;
    registry: RoomRegistry;
    metrics: ChatMetrics;
    limits: SharedLimits;
    /** The broadcast whose comments the viewer (by its cookies) reads and writes; null: none it may. */
    commentsOf: (roomId: string, cookie: string) => { code: string; live: boolean } | null;
  },
): void {
  const limiter = deps.limits.window(COMMENTS);
  const context = async (roomId: string, cookie: string) => {
    const m = deps.messenger;
    if (!m) throw new HttpError(503, 'comments need REDIS_URL on this server');
    const room = await deps.registry.find(roomId);
    if (!room) throw new HttpError(404, 'no such broadcast');
    const broadcast = deps.commentsOf(roomId, cookie);
    if (!broadcast) {
      deps.metrics.rejected.inc({ reason: 'comment_password' });
      throw new HttpError(401, 'comments need the broadcast and its viewer password');
    }
    const chatId = commentsChatId(roomId);
    return { m, room, broadcast, chatId, chat: await m.chatStore.chat(chatId) };
  };
  const refuse = (status: number, reason: string, message: string) => {
    deps.metrics.rejected.inc({ reason: `comment_${reason}` });
    return new HttpError(status, message);
  };

  router.route('get', '/api/rooms/:id/comments', 'list_comments', open, async (reply, req) => {
    const { m, broadcast, chatId, chat } = await context(req.params[0] ?? '', req.headers.cookie ?? '');
    const after = Number(new URLSearchParams(req.query).get('after') ?? 0) || 0;
    const last = chat?.seq ?? 0;
    const seqs: number[] = [];
    for (let s = Math.max(after + 1, last - PAGE + 1, 1); s <= last; s++) seqs.push(s);
    const messages = (await m.messageStore.getMany(chatId, seqs)).flatMap((x) =>
      x && !x.deleted && !x.pending && x.kind === 'text' && x.broadcast === broadcast.code
        ? [{ seq: x.seq, name: x.name, text: x.text, at: x.at }]
        : [],
    );
    sendJson(reply, 200, { mode: chat?.settings.comments ?? 'off', last, comments: messages });
  });

  // A page of another site may not post in a viewer's name (its cookies): the router refuses it.
  const posting = { ...open, onCrossSite: () => deps.metrics.rejected.inc({ reason: 'comment_cross_site' }) };
  router.route('post', '/api/rooms/:id/comments', 'post_comment', posting, async (reply, req) => {
    const { m, room, broadcast, chatId, chat } = await context(req.params[0] ?? '', req.headers.cookie ?? '');
    const mode = chat?.settings.comments ?? 'off';
    if (!chat || mode === 'off') throw refuse(403, 'off', 'comments are off');
    if (!broadcast.live) {
      deps.metrics.rejected.inc({ reason: 'comment_not_live' });
      throw new HttpError(409, 'the broadcast is not live; comments are closed', { reason: 'not_live' });
    }
    // A body the edge's text rule refuses (a control, a direction override) is counted as the comment's own refusal.
    const body = await req.json().catch((err: unknown) => {
      if (err instanceof HttpError && err.status === 400)
        deps.metrics.rejected.inc({ reason: 'comment_invalid' });
      throw err;
    });
    let name: string;
    let text: string;
    try {
      name = check.shortText(typeof body.name === 'string' ? body.name : '', 'name', 64, true);
      text = check.messageText(typeof body.text === 'string' ? body.text : '', COMMENT_MAX_CHARS, false);
    } catch (err) {
      if (err instanceof ChatError) {
        const reason = err.code === ChatErrorCode.CHAT_ERROR_MESSAGE_TOO_LONG ? 'too_long' : 'invalid';
        throw refuse(400, reason, err.message);
      }
      throw err;
    }
    // A viewer may not comment as the teacher or another of the room's people.
    checkGuestName(name, room.ownPeoplesNames(), (reason) =>
      deps.metrics.rejected.inc({ reason: `comment_${reason}` }),
    );
    if (!(await limiter.take(req.ip)).ok)
      throw refuse(429, 'rate_limited', 'too many comments; wait a little');
    const pending = mode === 'moderated';
    const { message } = await m.messageStore.append(
      chatId,
      '',
      `viewer-${randomBytes(9).toString('base64url')}`,
      {
        kind: 'text',
        from: 'viewer',
        name,
        text,
        broadcast: broadcast.code,
        ...(pending ? { pending: true } : {}),
      },
    );
    sendJson(reply, 201, { seq: message.seq, pending });
  });
}
