// Bots of the school's systems: made by the school's admin with the chats
// they are given, they post there through the bot API (botRoutes.ts) and hear,
// by webhook (webhookQueue.ts, webhooks.ts), what people write there and which of their
// buttons someone pressed. A bot is a member of exactly the chats it was
// given, so the chat rules that hold for people (membership, the write rule,
// permissions.ts) hold for it too; a chat it was not given is refused before
// anything is stored.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../common/log.js';
import type { Postgres } from '../common/postgres/connect.js';
import type { SharedLimits, WindowLimit } from '../signaling/security/sharedLimits.js';
import type { FeedEvent } from './bus.js';
import type { ChatService } from './chats.js';
import type { BotSettings } from './config.js';
import { ChatError, ChatErrorCode, invalid } from './errors.js';
import type { ChatMetrics } from './metrics.js';
import { type Caller, mayReadSeq } from './permissions.js';
import type { StoredMessage, StoredUser } from './records.js';
import type { ChatStore } from './store/chatStore.js';
import type { MessageStore } from './store/messageStore.js';
import * as check from './validate.js';
import { WebhookQueue } from './webhookQueue.js';
import { webhookUrlProblem } from './webhooks.js';

export const BUTTONS_MAX = 5;
const BUTTON_LABEL_MAX = 40;
const BUTTON_DATA_MAX = 256;
const NAME_MAX = 64;
const CHATS_MAX = 100;
const URL_MAX = 2048;
/** A chat's message is told to its bots once, by whichever host claims it. */
const CLAIM_SECONDS = 24 * 3600;
/** How long a host trusts its list of chats that bots hear. */
const HEARD_CHATS_MS = 5000;

export interface BotRecord {
  id: string;
  school: string;
  name: string;
  chats: string[];
  webhookUrl: string;
  disabled: boolean;
  createdAt: number;
}

/** Why a bot's request is refused: the HTTP status and a reason a program can test. */
export class BotRefusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

interface BotRow extends BotRecord {
  secret: string;
}

const COLUMNS = `id, school, name, chats, webhook_url AS "webhookUrl", disabled, created_at::float8 AS "createdAt", secret`;

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function publicView({ secret: _secret, ...bot }: BotRow): BotRecord {
  return bot;
}

/** Buttons as a bot sends them: 0-5 of {label, data}; typed 400s otherwise. */
export function checkButtons(value: unknown): { label: string; data: string }[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > BUTTONS_MAX) {
    throw new BotRefusal(400, 'invalid', `buttons must be a list of at most ${BUTTONS_MAX}`);
  }
  return value.map((b, i) => {
    const { label, data } = (b ?? {}) as Record<string, unknown>;
    if (typeof label !== 'string' || !label.trim() || [...label].length > BUTTON_LABEL_MAX) {
      throw new BotRefusal(400, 'invalid', `buttons[${i}].label must be 1-${BUTTON_LABEL_MAX} characters`);
    }
    if (typeof data !== 'string' || data.length > BUTTON_DATA_MAX) {
      throw new BotRefusal(
        400,
        'invalid',
        `buttons[${i}].data must be a string of at most ${BUTTON_DATA_MAX}`,
      );
    }
    return { label: label.trim(), data };
  });
}

export class BotService {
  readonly webhooks: WebhookQueue;
  private readonly sends: WindowLimit;
  private readonly presses: WindowLimit;
  private heard: { chats: Set<string>; at: number } | null = null;

  constructor(
    private readonly db: Postgres,
    private readonly redis: Redis,
    private readonly chats: ChatService,
    private readonly chatStore: ChatStore,
    private readonly messageStore: MessageStore,
    limits: SharedLimits,
    private readonly settings: BotSettings,
    private readonly metrics: ChatMetrics,
    private readonly log: Logger,
    private readonly maxMessageChars: number,
  ) {
    this.webhooks = new WebhookQueue(db, settings.webhooks, log, (result) =>
      metrics.botWebhooks.inc({ result }),
    );
    this.sends = limits.window({ name: 'bot_messages', limit: settings.messagesPerMinute, windowMs: 60_000 });
    this.presses = limits.window({
      name: 'bot_presses_per_person',
      limit: settings.pressesPerMinute,
      windowMs: 60_000,
    });
  }

  /** A new bot in `chats` (which the caller has checked are the school's); its token and secret are shown once. */
  async create(
    school: string,
    createdBy: string,
    name: string,
    chats: string[],
  ): Promise<{ bot: BotRecord; token: string; secret: string }> {
    const clean = name.trim();
    if (!clean || [...clean].length > NAME_MAX) throw invalid(`the name is 1-${NAME_MAX} characters`);
    const wanted = [...new Set(chats)];
    if (wanted.length === 0 || wanted.length > CHATS_MAX) throw invalid(`give the bot 1-${CHATS_MAX} chats`);
    for (const c of wanted) check.chatId(c);
    const id = `bot-${randomBytes(9).toString('base64url')}`;
    const token = `${id}.${randomBytes(32).toString('base64url')}`;
    const secret = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.db.query(
      `INSERT INTO messaging.bot (id, school, name, token_hash, secret, chats, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, school, clean, hashOf(token), secret, wanted, now, createdBy],
    );
    const user: StoredUser = { id, name: clean, sort: clean, role: 'bot', school };
    await this.chatStore.saveUser(user);
    for (const chatId of wanted) {
      await this.chatStore.addMembers(chatId, [{ user, role: 'member', source: 'bot' }], 1, 0);
    }
    this.heard = null;
    const bot: BotRecord = {
      id,
      school,
      name: clean,
      chats: wanted,
      webhookUrl: '',
      disabled: false,
      createdAt: now,
    };
    return { bot, token, secret };
  }

  async list(school: string): Promise<BotRecord[]> {
    const r = await this.db.query<BotRow>(
      `SELECT ${COLUMNS} FROM messaging.bot WHERE school = $1 ORDER BY created_at`,
      [school],
    );
    return r.rows.map(publicView);
  }

  private async row(school: string, id: string): Promise<BotRow> {
    const r = await this.db.query<BotRow>(
      `SELECT ${COLUMNS} FROM messaging.bot WHERE id = $1 AND school = $2`,
      [id, school],
    );
    const bot = r.rows[0];
    if (!bot) throw new ChatError(ChatErrorCode.CHAT_ERROR_USER_NOT_FOUND, 'no such bot');
    return bot;
  }

  /** Sets where the bot hears its chats ('' to stop). */
  async setWebhook(school: string, id: string, url: string): Promise<BotRecord> {
    if (url.length > URL_MAX) throw invalid('the URL is too long');
    const problem = url ? webhookUrlProblem(url, this.settings.webhooks.allowPrivate) : null;
    if (problem) throw invalid(`the webhook URL is refused: ${problem}`);
    await this.row(school, id);
    await this.db.query('UPDATE messaging.bot SET webhook_url = $2 WHERE id = $1', [id, url]);
    this.heard = null;
    return publicView(await this.row(school, id));
  }

  /**
   * Gives the bot another set of chats (the caller has checked they are the school's):
   * it joins the added ones and leaves the removed ones at once, so its next post there
   * is refused and nothing said there is sent to it, queued deliveries included.
   */
  async setChats(school: string, id: string, chats: string[]): Promise<BotRecord> {
    const wanted = [...new Set(chats)];
    if (wanted.length === 0 || wanted.length > CHATS_MAX) throw invalid(`give the bot 1-${CHATS_MAX} chats`);
    for (const c of wanted) check.chatId(c);
    const bot = await this.row(school, id);
    await this.db.query('UPDATE messaging.bot SET chats = $2 WHERE id = $1', [id, wanted]);
    this.heard = null;
    const user: StoredUser = { id, name: bot.name, sort: bot.name, role: 'bot', school };
    for (const chatId of wanted.filter((c) => !bot.chats.includes(c))) {
      await this.chatStore.addMembers(chatId, [{ user, role: 'member', source: 'bot' }], 1, 0);
    }
    for (const chatId of bot.chats.filter((c) => !wanted.includes(c))) {
      await this.chatStore.removeMember(chatId, user, 'bot removed');
    }
    return publicView(await this.row(school, id));
  }

  /** A disabled bot's token is refused and it hears nothing, until enabled again. */
  async setDisabled(school: string, id: string, disabled: boolean): Promise<BotRecord> {
    await this.row(school, id);
    await this.db.query('UPDATE messaging.bot SET disabled = $2 WHERE id = $1', [id, disabled]);
    this.heard = null;
    return publicView(await this.row(school, id));
  }

  /** Deletes the bot and takes it out of its chats (its messages stay, under its name). */
  async remove(school: string, id: string): Promise<void> {
    const bot = await this.row(school, id);
    await this.db.query('DELETE FROM messaging.bot WHERE id = $1', [id]);
    const user: StoredUser = { id, name: bot.name, sort: bot.name, role: 'bot', school };
    for (const chatId of bot.chats) await this.chatStore.removeMember(chatId, user, 'bot removed');
    this.heard = null;
  }

  /** The bot whose token this is; 401 / 403 refusals otherwise. */
  async authenticate(authorization: string): Promise<BotRow> {
    const token = /^Bearer (\S+)$/i.exec(authorization.trim())?.[1];
    if (!token) throw new BotRefusal(401, 'unauthorized', 'send Authorization: Bearer <bot token>');
    const hash = hashOf(token);
    const r = await this.db.query<BotRow & { hash: string }>(
      `SELECT ${COLUMNS}, token_hash AS hash FROM messaging.bot WHERE token_hash = $1`,
      [hash],
    );
    const bot = r.rows[0];
    if (!bot || !timingSafeEqual(Buffer.from(bot.hash), Buffer.from(hash))) {
      throw new BotRefusal(401, 'unauthorized', 'unknown bot token');
    }
    if (bot.disabled) throw new BotRefusal(403, 'disabled', 'the school has disabled this bot');
    return bot;
  }

  /** The bot's chats with their titles (what GET /api/bot/me shows). */
  async chatsOf(bot: BotRecord): Promise<{ id: string; title: string }[]> {
    const out: { id: string; title: string }[] = [];
    for (const id of bot.chats) {
      const chat = await this.chatStore.chat(id);
      if (chat) out.push({ id, title: chat.title });
    }
    return out;
  }

  /** Posts as the bot into one of its chats. */
  async post(
    bot: BotRecord,
    body: Record<string, unknown>,
  ): Promise<{ chatId: string; seq: number; sentAt: number }> {
    const chatId = body.chatId;
    if (typeof chatId !== 'string' || !check.CHAT_ID_PATTERN.test(chatId)) {
      throw new BotRefusal(400, 'invalid', 'chatId must be a chat id');
    }
    const buttons = checkButtons(body.buttons);
    const text = typeof body.text === 'string' ? body.text.trim() : body.text;
    if (typeof text !== 'string' || !text || text.length > this.maxMessageChars) {
      throw new BotRefusal(400, 'invalid', `text must be 1-${this.maxMessageChars} characters`);
    }
    const cmid =
      body.clientMessageId === undefined ? randomBytes(12).toString('base64url') : body.clientMessageId;
    if (typeof cmid !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(cmid)) {
      throw new BotRefusal(400, 'invalid', 'clientMessageId must be 1-64 letters, digits, _ . -');
    }
    // The bot's chats only: a class chat's bot is refused the parents' chat before anything is read or stored.
    if (!bot.chats.includes(chatId)) {
      throw new BotRefusal(403, 'chat_not_given', 'this bot was not given that chat');
    }
    const verdict = await this.sends.take(bot.id);
    if (!verdict.ok) throw new BotRefusal(429, 'rate_limited', 'too many messages; try again later');
    const { message } = await this.messageStore.append(chatId, bot.id, cmid, {
      kind: 'text',
      from: bot.id,
      name: bot.name,
      text,
      cmid,
      bot: true,
      ...(buttons.length ? { buttons } : {}),
    });
    return { chatId, seq: message.seq, sentAt: message.at };
  }

  /** A person pressed a button of a bot's message they may read: the bot hears of it. */
  async pressed(caller: Caller, rawChatId: string, seq: number, index: number): Promise<void> {
    const chatId = check.chatId(rawChatId);
    const { member } = await this.chats.access(chatId, caller);
    const m = await this.messageStore.get(chatId, seq);
    if (!m || m.deleted || !mayReadSeq(member, m.seq)) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_MESSAGE_NOT_FOUND, 'no such message');
    }
    const button = m.bot ? m.buttons?.[index] : undefined;
    if (!button) throw invalid('the message has no such button');
    const verdict = await this.presses.take(caller.user.id);
    if (!verdict.ok)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_RATE_LIMITED, 'too many presses; wait a little');
    const r = await this.db.query<BotRow>(`SELECT ${COLUMNS} FROM messaging.bot WHERE id = $1`, [m.from]);
    const bot = r.rows[0];
    if (!bot || bot.disabled || !bot.webhookUrl || !bot.chats.includes(chatId)) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_UNAVAILABLE, 'the bot is not listening now');
    }
    // Kept before the person is answered: a restart does not lose the press.
    await this.webhooks.enqueue(bot.id, chatId, {
      type: 'button',
      bot: bot.id,
      chatId: chatId,
      message: { seq: m.seq },
      button: { index, label: button.label, data: button.data },
      from: { id: caller.user.id, name: caller.user.name, role: caller.user.role },
      at: Date.now(),
    });
  }

  /** A chat event (on every host): a person's new message in a chat a bot hears goes to that bot. */
  onEvent(e: FeedEvent): void {
    if (e.t !== 'm' || e.r.bot || e.r.kind !== 'text' || e.r.deleted || e.r.edited || !e.r.from) return;
    this.tellBots(e.c, e.r).catch((err: unknown) =>
      this.log.warn({ err, chat: e.c, seq: e.r.seq }, 'bots not told of a message'),
    );
  }

  private async heardChats(): Promise<Set<string>> {
    if (this.heard && Date.now() - this.heard.at < HEARD_CHATS_MS) return this.heard.chats;
    const r = await this.db.query<{ chat: string }>(
      `SELECT DISTINCT unnest(chats) AS chat FROM messaging.bot WHERE NOT disabled AND webhook_url <> ''`,
    );
    this.heard = { chats: new Set(r.rows.map((x) => x.chat)), at: Date.now() };
    return this.heard.chats;
  }

  private async tellBots(chatId: string, m: StoredMessage): Promise<void> {
    if (!(await this.heardChats()).has(chatId)) return;
    const claimed = await this.redis.set(`bot:heard:${chatId}:${m.seq}`, '1', 'EX', CLAIM_SECONDS, 'NX');
    if (claimed !== 'OK') return;
    const r = await this.db.query<BotRow>(
      `SELECT ${COLUMNS} FROM messaging.bot WHERE $1 = ANY(chats) AND NOT disabled AND webhook_url <> ''`,
      [chatId],
    );
    const author = (await this.chatStore.users([m.from])).get(m.from);
    for (const bot of r.rows) {
      await this.webhooks.enqueue(bot.id, chatId, {
        type: 'message',
        bot: bot.id,
        chatId,
        message: { seq: m.seq, text: m.text, sentAt: m.at },
        from: { id: m.from, name: m.name, role: author?.role ?? '' },
        at: Date.now(),
      });
    }
  }
}

export function refusalOf(err: unknown): BotRefusal | null {
  if (err instanceof BotRefusal) return err;
  if (!(err instanceof ChatError)) return null;
  switch (err.code) {
    case ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT:
    case ChatErrorCode.CHAT_ERROR_MESSAGE_TOO_LONG:
      return new BotRefusal(400, 'invalid', err.message);
    case ChatErrorCode.CHAT_ERROR_RATE_LIMITED:
      return new BotRefusal(429, 'rate_limited', err.message);
    case ChatErrorCode.CHAT_ERROR_UNAVAILABLE:
      return new BotRefusal(503, 'unavailable', err.message);
    case ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND:
    case ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER:
      return new BotRefusal(403, 'chat_not_given', err.message);
    default:
      return new BotRefusal(403, 'forbidden', err.message);
  }
}
