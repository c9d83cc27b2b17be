// Invitation links to a chat or a channel: created by those the chat lets
// invite, revoked by its admins (a revoked code stops working at once), and
// used by people of the same school, who join as members who came by
// themselves. The school's rules still apply (a directory chat admits its
// own class only).
import { randomBytes } from 'node:crypto';
import type { Postgres } from '../common/postgres/connect.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { ChatService } from './chats.js';
import { ChatError, ChatErrorCode, forbidden, invalid } from './errors.js';
import type { JoinRequests } from './joinRequests.js';
import { type Caller, isChatAdmin, requireRight } from './permissions.js';
import type { ChatStore } from './store/chatStore.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

interface StoredInvite {
  chat: string;
  school: string;
  by: string;
}

const CODE_PATTERN = /^[A-Za-z0-9_-]{8,32}$/;
const INVITES_PER_CHAT_MAX = 50;

const notFound = () =>
  new ChatError(ChatErrorCode.CHAT_ERROR_INVITE_NOT_FOUND, 'this invitation is not valid');

export const invitePath = (code: string) => `/messenger#invite=${code}`;

export class InviteService {
  constructor(
    private readonly db: Postgres,
    private readonly chats: ChatService,
    private readonly chatStore: ChatStore,
    private readonly requests: JoinRequests,
  ) {}

  async create(caller: Caller, req: cpb.ICreateInviteRequest): Promise<cpb.IInvite> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    if (chat.kind !== 'group' && chat.kind !== 'channel')
      throw forbidden('only group chats and channels have invitations');
    requireRight(chat, member, 'invite', 'invite people');
    const code = randomBytes(12).toString('base64url');
    // The cap guards against abuse; two links made at the same instant may both pass it.
    const r = await this.db.query(
      `INSERT INTO messaging.invite (code, chat_id, school, created_by, created_at)
       SELECT $1, $2, $3, $4, $5 WHERE (SELECT count(*) FROM messaging.invite WHERE chat_id = $2) < $6`,
      [code, chat.id, caller.user.school, caller.user.id, Date.now(), INVITES_PER_CHAT_MAX],
    );
    if (r.rowCount !== 1) {
      throw invalid(`a chat has at most ${INVITES_PER_CHAT_MAX} invitation links; revoke one`);
    }
    return { code, chatId: chat.id, path: invitePath(code) };
  }

  async revoke(caller: Caller, req: cpb.IRevokeInviteRequest): Promise<void> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    if (!isChatAdmin(member.role)) throw forbidden("only the chat's admins revoke invitations");
    const code = req.code ?? '';
    if (!CODE_PATTERN.test(code)) throw notFound();
    const r = await this.db.query('DELETE FROM messaging.invite WHERE code = $1 AND chat_id = $2', [
      code,
      chat.id,
    ]);
    if (r.rowCount !== 1) throw notFound();
  }

  /** The chat an invitation leads to, or INVITE_NOT_FOUND (unknown, revoked, or another school's). */
  async resolve(caller: Caller | null, code: string): Promise<StoredInvite> {
    if (!CODE_PATTERN.test(code)) throw notFound();
    const r = await this.db.query<StoredInvite>(
      'SELECT chat_id AS chat, school, created_by AS by FROM messaging.invite WHERE code = $1',
      [code],
    );
    const invite = r.rows[0];
    if (!invite) throw notFound();
    if (caller && caller.user.school !== invite.school) throw notFound();
    return invite;
  }

  /** Joins, or with join_approval (and not yet in) asks the admins. */
  async join(
    caller: Caller,
    req: cpb.IJoinByInviteRequest,
  ): Promise<{ chat: cpb.IChat } | { joinRequest: cpb.IJoinRequest }> {
    if (caller.guest) throw forbidden('guests do not join by invitation');
    const invite = await this.resolve(caller, req.code ?? '');
    const chat = await this.chatStore.chat(check.chatId(invite.chat));
    if (!chat) throw notFound();
    const already = await this.chatStore.member(chat.id, caller.user.id);
    if (chat.settings.approval && !already) return { joinRequest: await this.requests.ask(caller, chat) };
    await this.chats.mayJoin(chat, [caller.user], invite.by);
    await this.chats.addPeople(chat, [caller.user], 'self', caller);
    return { chat: await this.chats.summaryFor(chat.id, caller.user.id) };
  }
}
