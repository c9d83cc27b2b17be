// Channels: a teacher or an admin creates one (the school's rules decide who
// may); its admins post and subscribers read. Listed channels are found by
// search within the school and subscribed to directly; others by invitation.
import { createHash } from 'node:crypto';
import type { Postgres } from '../common/postgres/connect.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { type ChatService, newChatId, sharedChatToWire } from './chats.js';
import { ChatError, ChatErrorCode, forbidden } from './errors.js';
import type { JoinRequests } from './joinRequests.js';
import { QUESTION_PREFIX } from './messages.js';
import type { Caller } from './permissions.js';
import { DEFAULT_SETTINGS, type StoredUser } from './records.js';
import type { ChatStore } from './store/chatStore.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

const SEARCH_MAX = 50;

const fold = (x: string) => x.toLocaleLowerCase('ru').replace(/ё/g, 'е');

export class ChannelService {
  constructor(
    private readonly db: Postgres,
    private readonly chats: ChatService,
    private readonly chatStore: ChatStore,
    private readonly requests: JoinRequests,
  ) {}

  async create(caller: Caller, req: cpb.ICreateChannelRequest): Promise<cpb.IChat> {
    if (caller.guest) throw forbidden('guests do not create channels');
    const title = check.shortText(req.title, 'title', 128, true);
    const about = check.shortText(req.about, 'about', 1024, false);
    const policy = this.chats.policy;
    if (policy) await policy.mayCreate(caller, 'channel');
    else if (caller.user.role !== 'teacher' && caller.user.role !== 'admin') {
      throw new ChatError(
        ChatErrorCode.CHAT_ERROR_ROLE_NOT_ALLOWED,
        'only teachers and admins create channels',
      );
    }
    const id = newChatId();
    await this.chatStore.create(
      {
        id,
        kind: 'channel',
        title,
        about,
        createdBy: caller.user.id,
        settings: { ...DEFAULT_SETTINGS, write: 'admins', comments: req.comments ? 'on' : 'off' },
      },
      [{ user: caller.user, role: 'creator', source: 'creator' }],
    );
    if (req.listed) {
      await this.db.query(
        'INSERT INTO messaging.listed_channel (school, chat_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [caller.user.school, id],
      );
    }
    await this.chats.note(id, caller, 'created', [], title);
    return this.chats.summaryFor(id, caller.user.id);
  }

  async search(caller: Caller, req: cpb.ISearchChannelsRequest): Promise<cpb.IChannelList> {
    const query = fold(check.shortText(req.query, 'query', 64, false));
    const listed = await this.db.query<{ chat_id: string }>(
      'SELECT chat_id FROM messaging.listed_channel WHERE school = $1',
      [caller.user.school],
    );
    const found = await Promise.all(listed.rows.map((r) => this.chatStore.chat(r.chat_id)));
    const channels = found
      .filter((c) => c !== null && !c.settings.archived && (!query || fold(c.title).includes(query)))
      .sort((a, b) => a!.title.localeCompare(b!.title, 'ru'))
      .slice(0, SEARCH_MAX)
      .map((c) => sharedChatToWire(c!, []));
    return { channels };
  }

  /**
   * A subscriber's question to the channel's admins: one chat per subscriber
   * and channel with its admins, who answer in the channel's name.
   */
  async ask(caller: Caller, req: cpb.IAskChannelRequest): Promise<string> {
    const { chat } = await this.chats.access(req.chatId ?? '', caller);
    if (chat.kind !== 'channel') throw forbidden('questions go to channels');
    const id = `${QUESTION_PREFIX}${createHash('sha256').update(`${chat.id}\n${caller.user.id}`).digest('base64url').slice(0, 24)}`;
    const members = await this.chatStore.allMembers(chat.id);
    const adminIds = [...members]
      .filter(([, m]) => m.role === 'admin' || m.role === 'creator')
      .map(([uid]) => uid);
    const admins = await this.chatStore.users(adminIds);
    const created = await this.chatStore.create(
      {
        id,
        kind: 'group',
        title: `${chat.title}: ${caller.user.name}`,
        about: `Вопрос администраторам канала «${chat.title}»`,
        createdBy: caller.user.id,
        settings: { ...DEFAULT_SETTINGS, invite: 'creator', editInfo: 'creator' },
      },
      [
        { user: caller.user, role: 'member', source: 'self' },
        ...[...admins.values()]
          .filter((u) => u.id !== caller.user.id)
          .map((user: StoredUser) => ({ user, role: 'admin' as const, source: 'invited' as const })),
      ],
    );
    if (created) await this.chatStore.setField(id, 'behalf', chat.title);
    return id;
  }

  /** Subscribing to a listed channel of one's own school (with join_approval: asking its admins). */
  async subscribe(
    caller: Caller,
    req: cpb.ISubscribeRequest,
  ): Promise<{ chat: cpb.IChat } | { joinRequest: cpb.IJoinRequest }> {
    if (caller.guest) throw forbidden('guests do not subscribe');
    const chatId = check.chatId(req.chatId);
    const listed = await this.db.query(
      'SELECT 1 FROM messaging.listed_channel WHERE school = $1 AND chat_id = $2',
      [caller.user.school, chatId],
    );
    const chat = listed.rowCount ? await this.chatStore.chat(chatId) : null;
    if (!chat || chat.kind !== 'channel') {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND, 'no such channel in your school');
    }
    const already = await this.chatStore.member(chat.id, caller.user.id);
    if (chat.settings.approval && !already) return { joinRequest: await this.requests.ask(caller, chat) };
    await this.chats.addPeople(chat, [caller.user], 'self', caller);
    return { chat: await this.chats.summaryFor(chat.id, caller.user.id) };
  }
}
