// Channels: a teacher or an admin creates one (the school's rules decide who
// may); its admins post and subscribers read. Listed channels are found by
// search within the school and subscribed to directly; others by invitation.
import type { Redis } from 'ioredis';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { type ChatService, newChatId, sharedChatToWire } from './chats.js';
import { ChatError, ChatErrorCode, forbidden } from './errors.js';
import type { Caller } from './permissions.js';
import { DEFAULT_SETTINGS } from './records.js';
import type { ChatStore } from './store/chatStore.js';
import { keys } from './store/keys.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

const SEARCH_MAX = 50;

const fold = (x: string) => x.toLocaleLowerCase('ru').replace(/ё/g, 'е');

export class ChannelService {
  constructor(
    private readonly redis: Redis,
    private readonly chats: ChatService,
    private readonly chatStore: ChatStore,
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
    if (req.listed) await this.redis.sadd(keys.schoolChannels(caller.user.school), id);
    await this.chats.note(id, caller, 'created', [], title);
    return this.chats.summaryFor(id, caller.user.id);
  }

  async search(caller: Caller, req: cpb.ISearchChannelsRequest): Promise<cpb.IChannelList> {
    const query = fold(check.shortText(req.query, 'query', 64, false));
    const ids = await this.redis.smembers(keys.schoolChannels(caller.user.school));
    const found = await Promise.all(ids.map((id) => this.chatStore.chat(id)));
    const channels = found
      .filter((c) => c !== null && (!query || fold(c.title).includes(query)))
      .sort((a, b) => a!.title.localeCompare(b!.title, 'ru'))
      .slice(0, SEARCH_MAX)
      .map((c) => sharedChatToWire(c!, []));
    return { channels };
  }

  /** Subscribing to a listed channel of one's own school. */
  async subscribe(caller: Caller, req: cpb.ISubscribeRequest): Promise<cpb.IChat> {
    if (caller.guest) throw forbidden('guests do not subscribe');
    const chatId = check.chatId(req.chatId);
    const listed = await this.redis.sismember(keys.schoolChannels(caller.user.school), chatId);
    const chat = listed ? await this.chatStore.chat(chatId) : null;
    if (!chat || chat.kind !== 'channel') {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND, 'no such channel in your school');
    }
    await this.chats.addPeople(chat, [caller.user], 'self', caller);
    return this.chats.summaryFor(chat.id, caller.user.id);
  }
}
