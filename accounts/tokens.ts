import type { CallStarter } from '../messaging/calls.js';
// The short-lived tokens a signed-in web client gets from its session (kept
// in the page's memory, never in a URL or in browser storage): a user token
// for the messenger's socket and uploads, and a join token for a call
// announced in one of the person's chats. Both name the session (claim
// `sid`), so signing out or being deactivated ends them at once.
import { ChatError } from '../messaging/errors.js';
import type { UserTokens } from '../messaging/userTokens.js';
import type { RoomRegistry } from '../signaling/domain/roomRegistry.js';
import type { TokenService } from '../signaling/tokens.js';
import { AccountError } from './errors.js';
import type { SignedInPerson } from './people.js';

/** The messenger reconnects with a fresh one; an hour covers a long lesson's chat. */
const CHAT_TOKEN_SECONDS = 3600;
/** Only for joining; the call then renews its own reconnect tokens. */
const CALL_TOKEN_SECONDS = 600;

export class AccountTokens {
  constructor(
    private readonly d: {
      userTokens: UserTokens;
      callTokens: TokenService;
      calls: CallStarter;
      registry: RoomRegistry;
    },
  ) {}

  async chat(person: SignedInPerson, sessionId: string): Promise<{ token: string; expiresAt: string }> {
    const { token, expiresAt } = await this.d.userTokens.mint(
      {
        userId: person.id,
        displayName: person.name,
        sortName: person.sort,
        role: person.role,
        schoolId: person.schoolId,
        sessionId,
      },
      CHAT_TOKEN_SECONDS,
    );
    return { token, expiresAt: expiresAt.toISOString() };
  }

  async call(
    person: SignedInPerson,
    sessionId: string,
    chatId: string,
    seq: number,
  ): Promise<{ token: string; roomId: string; title: string; expiresAt: string }> {
    let ticket: Awaited<ReturnType<CallStarter['ticket']>>;
    try {
      ticket = await this.d.calls.ticket(
        {
          user: {
            id: person.id,
            name: person.name,
            sort: person.sort,
            role: person.role,
            school: person.schoolId,
          },
          guest: false,
        },
        { chatId, seq },
      );
    } catch (err) {
      if (err instanceof ChatError) throw new AccountError('forbidden', err.message);
      throw err;
    }
    const room = await this.d.registry.find(ticket.roomId);
    if (!room) throw new AccountError('not_found', 'the call’s room is gone');
    const { token, expiresAt } = await this.d.callTokens.mint(
      {
        userId: person.id,
        displayName: person.name,
        sortName: person.sort,
        role: ticket.role,
        roomId: room.id,
        roomInstance: room.definition.instance,
        sessionId,
      },
      CALL_TOKEN_SECONDS,
    );
    return { token, roomId: room.id, title: ticket.title, expiresAt: expiresAt.toISOString() };
  }
}
