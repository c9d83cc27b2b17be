// A chat's own auto-deletion («Автоудаление сообщений»): its admins (or the
// school's admin in it) choose a day, a week, a month or a year, never longer
// than the school keeps messages; the stricter of the two applies
// (retention.ts effectiveDays, and the job's query in store/retentionStore.ts).
// Setting it writes a note in the chat, so every member reads that messages
// go, and the chat's members hear the change as of a settings change.
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { ChatService } from './chats.js';
import { ChatError, ChatErrorCode, forbidden, invalid } from './errors.js';
import { type Caller, mayChangeRetention, requireRetentionRight } from './permissions.js';
import { CHAT_RETENTION_CHOICES, chatChoices, effectiveDays } from './retention.js';
import type { ChatStore } from './store/chatStore.js';
import type { RetentionStore } from './store/retentionStore.js';

import cpb = schoolcall.chat.v1;

export class ChatRetention {
  constructor(
    private readonly chats: ChatService,
    private readonly chatStore: ChatStore,
    private readonly retention: RetentionStore,
  ) {}

  /** The chat's period, its school's, and what may be chosen (the caller's school: a chat's admins are of it). */
  async get(caller: Caller, req: cpb.IGetChatRetentionRequest): Promise<cpb.IChatRetention> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const school = await this.retention.policy(caller.user.school);
    const own = chat.retentionDays ?? null;
    return {
      chatId: chat.id,
      days: own ?? 0,
      schoolDays: school.days ?? 0,
      choices: chatChoices(school),
      effectiveDays: effectiveDays(own, school) ?? 0,
      mayChange: mayChangeRetention(chat, member, caller),
    };
  }

  async set(caller: Caller, req: cpb.ISetChatRetentionRequest): Promise<cpb.IChat> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    requireRetentionRight(chat, member, caller);
    const days = req.days ?? 0;
    if (days !== 0 && !(CHAT_RETENTION_CHOICES as readonly number[]).includes(days)) {
      throw invalid(`days must be 0 or one of ${CHAT_RETENTION_CHOICES.join(', ')}`);
    }
    if (days !== 0) {
      const school = await this.retention.policy(caller.user.school);
      if (!school.chatsMayShorten) throw forbidden('the school does not let chats remove messages sooner');
      if (school.days !== null && days > school.days) {
        throw new ChatError(
          ChatErrorCode.CHAT_ERROR_LONGER_THAN_SCHOOL,
          `the school keeps messages for ${school.days} days; choose a shorter period`,
        );
      }
    }
    if (days !== (chat.retentionDays ?? 0)) {
      await this.chatStore.setRetentionDays(chat.id, days || null);
      await this.chats.note(chat.id, caller, 'retention', [], undefined, days);
    }
    return this.chats.summaryFor(chat.id, caller.user.id);
  }
}
