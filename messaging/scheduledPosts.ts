// Posts sent later: stored in PostgreSQL, sent by whichever host's timer
// locks a due one first (FOR UPDATE SKIP LOCKED), in the author's name and
// only if they may still write in the chat then (the send checks, as for any
// message). The send's client message id is the post's, so a host that dies
// between sending and removing the post leaves no duplicate: the next tick's
// send is recognised as a resend.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../common/log.js';
import { type Postgres, inTransaction } from '../common/postgres/connect.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { ChatService } from './chats.js';
import type { MessagingConfig } from './config.js';
import { ChatError, ChatErrorCode, forbidden } from './errors.js';
import { type Caller, isChatAdmin, requireWrite } from './permissions.js';
import type { MessageStore } from './store/messageStore.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

const POST_COLUMNS = 'id, chat_id AS chat, sender AS "from", name, text, send_at AS at';

const AHEAD_MAX_MS = 90 * 24 * 3600 * 1000;
const PER_CHAT_MAX = 100;
const BATCH = 100;

interface StoredPost {
  id: string;
  chat: string;
  from: string;
  name: string;
  text: string;
  at: number;
}

const toWire = (p: StoredPost): cpb.IScheduledPost => ({
  id: p.id,
  chatId: p.chat,
  sendAt: p.at,
  text: p.text,
  senderId: p.from,
  senderName: p.name,
});

/** A post's time: in the next 90 days. */
function sendTime(at: number | null | undefined): number {
  const now = Date.now();
  if (typeof at !== 'number' || !Number.isFinite(at) || at <= now || at > now + AHEAD_MAX_MS) {
    throw new ChatError(ChatErrorCode.CHAT_ERROR_BAD_SCHEDULE, 'send_at must be in the next 90 days');
  }
  return at;
}

export class ScheduledPosts {
  private timer: ReturnType<typeof setInterval> | null = null;
  private ticking = false;
  private lastComplaint = 0;

  constructor(
    private readonly db: Postgres,
    private readonly chats: ChatService,
    private readonly messages: MessageStore,
    private readonly config: MessagingConfig,
    private readonly log: Logger,
  ) {}

  async schedule(caller: Caller, req: cpb.ISchedulePostRequest): Promise<cpb.IScheduledPost> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    requireWrite(chat, member, caller);
    const text = check.messageText(req.text, this.config.maxMessageChars, false);
    const at = sendTime(req.sendAt);
    const p: StoredPost = {
      id: randomBytes(9).toString('base64url'),
      chat: chat.id,
      from: caller.user.id,
      name: caller.user.name,
      text,
      at,
    };
    const r = await this.db.query(
      `INSERT INTO messaging.scheduled_post (id, chat_id, sender, name, text, send_at)
       SELECT $1, $2, $3, $4, $5, $6 WHERE (SELECT count(*) FROM messaging.scheduled_post WHERE chat_id = $2) < $7`,
      [p.id, p.chat, p.from, p.name, p.text, p.at, PER_CHAT_MAX],
    );
    if (r.rowCount !== 1) {
      throw new ChatError(
        ChatErrorCode.CHAT_ERROR_BAD_SCHEDULE,
        `at most ${PER_CHAT_MAX} scheduled posts a chat`,
      );
    }
    return toWire(p);
  }

  async list(caller: Caller, req: cpb.IListScheduledRequest): Promise<cpb.IScheduledList> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    // An admin sees everyone's (and cancels them: a member could fill the chat's limit).
    const everyone = isChatAdmin(member.role);
    const r = await this.db.query<StoredPost>(
      `SELECT ${POST_COLUMNS} FROM messaging.scheduled_post
       WHERE chat_id = $1 AND ($3 OR sender = $2) ORDER BY send_at, id`,
      [chat.id, caller.user.id, everyone],
    );
    return { posts: r.rows.map(toWire) };
  }

  async cancel(caller: Caller, req: cpb.ICancelScheduledRequest): Promise<void> {
    const { p, admin } = await this.find(caller, req.chatId, req.id);
    if (p.from !== caller.user.id && !admin) throw forbidden('not your post');
    await this.db.query('DELETE FROM messaging.scheduled_post WHERE id = $1', [p.id]);
  }

  /** A new time (the author or an admin) and text (the author only: it goes out in their name). */
  async update(caller: Caller, req: cpb.IUpdateScheduledRequest): Promise<cpb.IScheduledPost> {
    const { p, admin, chat, member } = await this.find(caller, req.chatId, req.id);
    const mine = p.from === caller.user.id;
    if (!mine && !admin) throw forbidden('not your post');
    if (!mine && req.text != null) throw forbidden("only its author changes a post's words");
    // The author must still be allowed to write here (as when scheduling).
    if (mine) requireWrite(chat, member, caller);
    const text = req.text != null ? check.messageText(req.text, this.config.maxMessageChars, false) : p.text;
    const at = req.sendAt != null ? sendTime(req.sendAt) : p.at;
    // Gone meanwhile (sent by the timer, which holds the row while sending, or cancelled): not found.
    const r = await this.db.query<StoredPost>(
      `UPDATE messaging.scheduled_post SET text = $2, send_at = $3 WHERE id = $1 RETURNING ${POST_COLUMNS}`,
      [p.id, text, at],
    );
    const updated = r.rows[0];
    if (!updated) throw new ChatError(ChatErrorCode.CHAT_ERROR_MESSAGE_NOT_FOUND, 'no such post');
    return toWire(updated);
  }

  /** A post of the chat, for a member of it; whether the caller is one of its admins. */
  private async find(caller: Caller, chatId: string | null | undefined, postId: string | null | undefined) {
    const { chat, member } = await this.chats.access(chatId ?? '', caller);
    const id = postId ?? '';
    const found = /^[A-Za-z0-9_-]{1,32}$/.test(id)
      ? await this.db.query<StoredPost>(
          `SELECT ${POST_COLUMNS} FROM messaging.scheduled_post WHERE id = $1 AND chat_id = $2`,
          [id, chat.id],
        )
      : null;
    const p = found?.rows[0];
    if (!p) throw new ChatError(ChatErrorCode.CHAT_ERROR_MESSAGE_NOT_FOUND, 'no such post');
    return { p, chat, member, admin: isChatAdmin(member.role) };
  }

  start(intervalMs = 500): void {
    this.timer ??= setInterval(() => void this.tick(), intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sends what is due; each post by the one host that locked it. */
  async tick(now = Date.now()): Promise<number> {
    // Nothing is sent while the store is away (or closing); the next tick after it is back sends.
    if (this.ticking) return 0;
    this.ticking = true;
    let sent = 0;
    try {
      sent = await inTransaction(this.db, async (client) => {
        const due = await client.query<StoredPost>(
          `SELECT ${POST_COLUMNS} FROM messaging.scheduled_post WHERE send_at <= $1
           ORDER BY send_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [now, BATCH],
        );
        let n = 0;
        for (const p of due.rows) {
          try {
            await this.messages.append(p.chat, p.from, `sched-${p.id}`, {
              kind: 'text',
              from: p.from,
              name: p.name,
              text: p.text,
              cmid: `sched-${p.id}`,
            });
            n++;
          } catch (err) {
            this.log.warn({ err, chat: p.chat, post: p.id }, 'scheduled post not sent');
          }
          await client.query('DELETE FROM messaging.scheduled_post WHERE id = $1', [p.id]);
        }
        return n;
      });
    } catch (err) {
      // Said once a minute while the store is away, not twice a second.
      if (now - this.lastComplaint > 60_000) {
        this.lastComplaint = now;
        this.log.warn({ err }, 'scheduled posts: cannot read what is due');
      }
    } finally {
      this.ticking = false;
    }
    return sent;
  }
}
