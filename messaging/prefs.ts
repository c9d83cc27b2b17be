// One's own organisation of the messenger, kept per person in PostgreSQL: folders
// of chats, pinned chats, quiet hours (the clients stay silent then; a
// teacher's evening stays theirs), muted chats (nothing pushed from them),
// one's archive (chats listed apart), chats marked unread, and "Saved
// messages", a chat with oneself.
import { createHash } from 'node:crypto';
import type { Postgres } from '../common/postgres/connect.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { isValidTimeZone } from '../signaling/domain/meetings.js';
import type { ChatService } from './chats.js';
import { ChatError, ChatErrorCode, forbidden, invalid } from './errors.js';
import type { Caller } from './permissions.js';
import { DEFAULT_SETTINGS } from './records.js';
import type { ChatStore } from './store/chatStore.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

// The (#25) number; the screen reads it from Prefs.folders_max.
const FOLDERS_MAX = 15;
const FOLDER_CHATS_MAX = 500;
const PINNED_MAX = 10;
const MUTE_AHEAD_MAX_MS = 366 * 24 * 3600 * 1000;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

interface StoredPrefs {
  folders: { id: string; name: string; chats: string[] }[];
  pinned: string[];
  quiet: { from: string; to: string; tz: string } | null;
  saved: string;
  /** Muted chats: until (ms), 0 for good. */
  muted: { chat: string; until: number }[];
  archived: string[];
  /** Chats marked unread by hand. */
  unread: string[];
}

const EMPTY: StoredPrefs = {
  folders: [],
  pinned: [],
  quiet: null,
  saved: '',
  muted: [],
  archived: [],
  unread: [],
};

const mutedNow = (m: StoredPrefs['muted'][number], now: number) => m.until === 0 || m.until > now;

export function savedChatId(userId: string): string {
  return `s.${createHash('sha256').update(userId).digest('base64url').slice(0, 24)}`;
}

/** Minutes since midnight in a time zone. */
function minutesIn(tz: string, now: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(new Date(now))
    .split(':')
    .map(Number);
  return (parts[0] ?? 0) * 60 + (parts[1] ?? 0);
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `now` falls within daily quiet hours (which may pass midnight). */
export function isQuiet(quiet: StoredPrefs['quiet'], now = Date.now()): boolean {
  if (!quiet) return false;
  const m = minutesIn(quiet.tz, now);
  const from = toMinutes(quiet.from);
  const to = toMinutes(quiet.to);
  return from <= to ? m >= from && m < to : m >= from || m < to;
}

/** One person's settings that decide pushes from one chat (PrefsService.pushSettings). */
export interface PushSettings {
  quiet: StoredPrefs['quiet'];
  /** Muted until (ms), 0 for good; null: not muted. */
  mutedUntil: number | null;
}

/** Whether a chat is muted at `now` by these settings. */
export function mutedAt(s: PushSettings | undefined, now = Date.now()): boolean {
  return !!s && s.mutedUntil !== null && (s.mutedUntil === 0 || s.mutedUntil > now);
}

export class PrefsService {
  private readonly pushSettingsListeners: ((userId: string, chatId: string | null) => Promise<void>)[] = [];

  constructor(
    private readonly db: Postgres,
    private readonly chats: ChatService,
    private readonly chatStore: ChatStore,
  ) {}

  private async load(userId: string): Promise<StoredPrefs> {
    const r = await this.db.query<{ prefs: Partial<StoredPrefs> }>(
      'SELECT prefs FROM messaging.prefs WHERE user_id = $1',
      [userId],
    );
    return { ...EMPTY, ...(r.rows[0]?.prefs ?? {}) };
  }

  private async save(userId: string, prefs: StoredPrefs): Promise<cpb.IPrefs> {
    await this.db.query(
      `INSERT INTO messaging.prefs (user_id, prefs) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET prefs = excluded.prefs`,
      [userId, JSON.stringify(prefs)],
    );
    return this.toWire(prefs);
  }

  private toWire(p: StoredPrefs): cpb.IPrefs {
    return {
      folders: p.folders.map((f) => ({ id: f.id, name: f.name, chatIds: f.chats })),
      pinnedChats: p.pinned,
      quietHours: p.quiet ? { from: p.quiet.from, to: p.quiet.to, timeZone: p.quiet.tz } : null,
      quietNow: isQuiet(p.quiet),
      savedChatId: p.saved,
      archivedChats: p.archived,
      markedUnread: p.unread,
      foldersMax: FOLDERS_MAX,
      mutedChats: p.muted
        .filter((m) => mutedNow(m, Date.now()))
        .map((m) => ({ chatId: m.chat, until: m.until })),
    };
  }

  async get(caller: Caller): Promise<cpb.IPrefs> {
    return this.toWire(await this.load(caller.user.id));
  }

  /** The caller's chats among these ids, refusing any other. */
  private async ownChats(caller: Caller, ids: string[]): Promise<string[]> {
    const mine = new Set(await this.chatStore.userChatIds(caller.user.id));
    for (const id of ids) if (!mine.has(check.chatId(id))) throw invalid(`chat ${id} is not one of yours`);
    return [...new Set(ids)];
  }

  async setFolders(caller: Caller, req: cpb.ISetFoldersRequest): Promise<cpb.IPrefs> {
    const list = req.folders ?? [];
    if (list.length > FOLDERS_MAX) throw invalid(`at most ${FOLDERS_MAX} folders`);
    const folders: StoredPrefs['folders'] = [];
    for (const [i, f] of list.entries()) {
      const name = check.shortText(f.name, 'name', 64, true);
      const ids = f.chatIds ?? [];
      if (ids.length > FOLDER_CHATS_MAX) throw invalid(`a folder holds at most ${FOLDER_CHATS_MAX} chats`);
      const id = f.id && /^[A-Za-z0-9_-]{1,32}$/.test(f.id) ? f.id : `f${i + 1}`;
      // The screen keys folders by id: two with one id would be one folder shown twice.
      if (folders.some((g) => g.id === id)) throw invalid(`two folders have the id ${id}`);
      folders.push({ id, name, chats: await this.ownChats(caller, ids) });
    }
    const prefs = await this.load(caller.user.id);
    return this.save(caller.user.id, { ...prefs, folders });
  }

  async pin(caller: Caller, req: cpb.IPinChatRequest): Promise<cpb.IPrefs> {
    const [chatId] = await this.ownChats(caller, [req.chatId ?? '']);
    const prefs = await this.load(caller.user.id);
    const rest = prefs.pinned.filter((id) => id !== chatId);
    if (req.pinned && rest.length >= PINNED_MAX) throw invalid(`at most ${PINNED_MAX} pinned chats`);
    return this.save(caller.user.id, { ...prefs, pinned: req.pinned ? [chatId!, ...rest] : rest });
  }

  async mute(caller: Caller, req: cpb.IMuteChatRequest): Promise<cpb.IPrefs> {
    if (caller.guest) throw forbidden('guests have no settings');
    const [chatId] = await this.ownChats(caller, [req.chatId ?? '']);
    const until = req.until ?? 0;
    const now = Date.now();
    if (
      req.muted &&
      until !== 0 &&
      !(Number.isFinite(until) && until > now && until <= now + MUTE_AHEAD_MAX_MS)
    ) {
      throw invalid('until is 0 (for good) or a time within a year');
    }
    const prefs = await this.load(caller.user.id);
    // Those whose time ran out are dropped as we go.
    const rest = prefs.muted.filter((m) => m.chat !== chatId && mutedNow(m, now));
    const muted = req.muted ? [...rest, { chat: chatId!, until }] : rest;
    const saved = await this.save(caller.user.id, { ...prefs, muted });
    await this.pushSettingsChanged(caller.user.id, chatId!);
    return saved;
  }

  async archive(caller: Caller, req: cpb.IArchiveChatRequest): Promise<cpb.IPrefs> {
    return this.toggleChat(caller, 'archived', req.chatId, !!req.archived);
  }

  async markUnread(caller: Caller, req: cpb.IMarkUnreadRequest): Promise<cpb.IPrefs> {
    return this.toggleChat(caller, 'unread', req.chatId, !!req.unread);
  }

  /** Puts one of the caller's chats on one of their own lists of chats, or takes it off. */
  private async toggleChat(
    caller: Caller,
    list: 'archived' | 'unread',
    chatIdIn: string | null | undefined,
    on: boolean,
  ): Promise<cpb.IPrefs> {
    if (caller.guest) throw forbidden('guests have no settings');
    const [chatId] = await this.ownChats(caller, [chatIdIn ?? '']);
    const prefs = await this.load(caller.user.id);
    // Chats one has left since drop out as we go (the list is of one's chats, so it stays bounded).
    const mine = new Set(await this.chatStore.userChatIds(caller.user.id));
    const kept = prefs[list].filter((id) => mine.has(id) && (on || id !== chatId));
    // Put on again: it keeps its place (a repeated request changes nothing).
    return this.save(caller.user.id, {
      ...prefs,
      [list]: on && !kept.includes(chatId!) ? [...kept, chatId!] : kept,
    });
  }

  async setQuietHours(caller: Caller, req: cpb.ISetQuietHoursRequest): Promise<cpb.IPrefs> {
    if (caller.guest) throw forbidden('guests have no settings');
    const q = req.quietHours;
    let quiet: StoredPrefs['quiet'] = null;
    if (q?.from || q?.to) {
      const tz = q.timeZone || 'Europe/Moscow';
      if (!TIME.test(q.from ?? '') || !TIME.test(q.to ?? '') || q.from === q.to) {
        throw invalid('quiet hours are two different times like "21:00" and "08:00"');
      }
      if (!isValidTimeZone(tz)) throw invalid('time_zone must be an IANA zone like Europe/Moscow');
      quiet = { from: q.from!, to: q.to!, tz };
    }
    const prefs = await this.load(caller.user.id);
    const saved = await this.save(caller.user.id, { ...prefs, quiet });
    await this.pushSettingsChanged(caller.user.id, null);
    return saved;
  }

  /** Whether someone the caller shares a chat with is in their quiet hours (others: not found). */
  async quietOf(caller: Caller, req: cpb.IGetQuietRequest): Promise<cpb.IQuietState> {
    const userId = check.userId(req.userId);
    const [mine, theirs] = await Promise.all([
      this.chatStore.userChatIds(caller.user.id),
      this.chatStore.userChatIds(userId),
    ]);
    const shared = new Set(mine);
    if (!theirs.some((id) => shared.has(id))) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_USER_NOT_FOUND, 'no such person among your chats');
    }
    const { quiet } = await this.load(userId);
    if (!quiet || !isQuiet(quiet)) return { quietNow: false };
    return { quietNow: true, until: quiet.to, timeZone: quiet.tz };
  }

  /** Those of these people in their quiet hours now (notifications stay silent then): one query per message. */
  async quietAmong(userIds: string[], now = Date.now()): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const r = await this.db.query<{ user_id: string; quiet: StoredPrefs['quiet'] }>(
      `SELECT user_id, prefs->'quiet' AS quiet FROM messaging.prefs
        WHERE user_id = ANY($1) AND jsonb_typeof(prefs->'quiet') = 'object'`,
      [userIds],
    );
    return new Set(r.rows.filter((row) => isQuiet(row.quiet, now)).map((row) => row.user_id));
  }

  /**
   * What decides whether these people are told of this chat's messages: when
   * each muted it (until, 0 for good) and their quiet hours, in one query. The
   * notifier keeps this a short while and evaluates it at each message's time.
   */
  async pushSettings(userIds: string[], chatId: string): Promise<Map<string, PushSettings>> {
    if (userIds.length === 0) return new Map();
    const r = await this.db.query<{
      user_id: string;
      quiet: StoredPrefs['quiet'];
      muted_until: number | null;
    }>(
      `SELECT user_id, prefs->'quiet' AS quiet,
              (SELECT (e->>'until')::float8 FROM jsonb_array_elements(prefs->'muted') e
                WHERE e->>'chat' = $2 LIMIT 1) AS muted_until
         FROM messaging.prefs
        WHERE user_id = ANY($1)
          AND (jsonb_typeof(prefs->'quiet') = 'object'
               OR prefs->'muted' @> jsonb_build_array(jsonb_build_object('chat', $2::text)))`,
      [userIds, chatId],
    );
    return new Map(
      r.rows.map((row) => [
        row.user_id,
        { quiet: row.quiet ?? null, mutedUntil: row.muted_until === null ? null : Number(row.muted_until) },
      ]),
    );
  }

  /**
   * Someone's mute of a chat (chatId) or their quiet hours (null: all their
   * chats) changed; awaited before the request is answered, so a cache of
   * these settings (the notifier's) is stale no longer than the answer.
   */
  onPushSettingsChange(listener: (userId: string, chatId: string | null) => Promise<void>): void {
    this.pushSettingsListeners.push(listener);
  }

  private async pushSettingsChanged(userId: string, chatId: string | null): Promise<void> {
    await Promise.all(this.pushSettingsListeners.map((l) => l(userId, chatId)));
  }

  /** The caller's chat with themselves, made on first use. */
  async savedMessages(caller: Caller): Promise<cpb.IChat> {
    if (caller.guest) throw forbidden('guests have no saved messages');
    const id = savedChatId(caller.user.id);
    await this.chatStore.create(
      {
        id,
        kind: 'group',
        title: 'Избранное',
        about: '',
        createdBy: caller.user.id,
        settings: { ...DEFAULT_SETTINGS, invite: 'creator', editInfo: 'creator', appoint: 'creator' },
      },
      [{ user: caller.user, role: 'creator', source: 'creator' }],
    );
    const prefs = await this.load(caller.user.id);
    if (prefs.saved !== id) await this.save(caller.user.id, { ...prefs, saved: id });
    return this.chats.summaryFor(id, caller.user.id);
  }
}
