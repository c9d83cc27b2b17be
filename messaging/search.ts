import type { Postgres } from '../common/postgres/connect.js';
// Message search across the chats one is in (or one of them), in Russian.
// What may be searched is the read rule's (permissions.ts firstReadableSeq)
// applied to the caller's memberships; the store finds and ranks
// (store/messageSearch.ts).
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { SharedLimits, WindowLimit } from '../signaling/security/sharedLimits.js';
import type { ChatService } from './chats.js';
import { ChatError, ChatErrorCode, invalid } from './errors.js';
import { type Caller, firstReadableSeq, messageFor } from './permissions.js';
import type { StoredMember } from './records.js';
import type { ChatStore } from './store/chatStore.js';
import { searchMessages } from './store/messageSearch.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

const QUERY_MIN = 2;
const QUERY_MAX = 200;
const LIMIT_DEFAULT = 20;
const LIMIT_MAX = 50;
// A search reads far more than a send: a person typing (the web client waits
// 300 ms between words) stays well under this, a loop does not.
// Counted for the person on every host (sharedLimits.ts).
const SEARCHES = { name: 'chat_search', limit: 20, windowMs: 10_000 };

export class MessageSearch {
  private readonly limiter: WindowLimit;

  constructor(
    private readonly chats: ChatService,
    private readonly chatStore: ChatStore,
    private readonly db: Postgres,
    limits: SharedLimits,
  ) {
    this.limiter = limits.window(SEARCHES);
  }

  async search(caller: Caller, req: cpb.ISearchMessagesRequest): Promise<cpb.ISearchResult> {
    const query = check.shortText(req.query, 'query', QUERY_MAX, true);
    if ([...query].length < QUERY_MIN) throw invalid(`query holds at least ${QUERY_MIN} characters`);
    const limit = check.limit(req.limit, LIMIT_DEFAULT, LIMIT_MAX);
    if (!(await this.limiter.take(caller.user.id)).ok) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_RATE_LIMITED, 'too many searches; wait a little');
    }
    let members: Map<string, StoredMember>;
    if (req.chatId) {
      const { chat, member } = await this.chats.access(req.chatId, caller);
      members = new Map([[chat.id, member]]);
    } else {
      members = await this.chatStore.memberships(caller.user.id);
    }
    const ranges = [...members].map(([chatId, member]) => ({ chatId, from: firstReadableSeq(member) }));
    const found = await searchMessages(this.db, query, ranges, limit);
    return {
      hits: found.flatMap((f) => {
        const member = members.get(f.chatId);
        const message = member ? messageFor(f.chatId, member, f.message) : null;
        return message ? [{ message, snippet: f.snippet, marks: f.marks }] : [];
      }),
    };
  }
}
