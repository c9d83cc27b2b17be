// Reconnect tokens: a joined peer gets one at once and refreshes it hourly,
// so a call never ends because a token expired and a dropped connection
// rejoins as the same person without the device check. They carry the role
// the peer's own token gave, never one granted during the call: the room
// remembers those (Room.roleGrants) for as long as the call lasts.
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { Peer } from '../domain/peer.js';
import type { Room } from '../domain/room.js';
import type { TokenService } from '../tokens.js';

import pb = schoolcall.v1;

/** Reconnect tokens outlive a network drop comfortably; clients refresh them hourly. */
const SESSION_TOKEN_TTL_SECONDS = 4 * 3600;

export class SessionTokens {
  constructor(private readonly tokens: TokenService) {}

  async mint(room: Room, peer: Peer): Promise<pb.ISessionToken> {
    const { userId, displayName, tokenRole, sortName, sessionId, admission } = peer.identity;
    const { token, expiresAt } = await this.tokens.mint(
      {
        userId,
        displayName,
        role: tokenRole,
        roomId: room.id,
        sortName,
        roomInstance: room.definition.instance,
        sessionId,
        admission,
      },
      SESSION_TOKEN_TTL_SECONDS,
    );
    return { token, expiresAt: expiresAt.getTime() };
  }
}
