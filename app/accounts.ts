// Assembles accounts and sign-in with the parts it stands on (messenger,
// directory, rooms, token services) and closes this host's chat and call
// connections of whoever is signed out or deactivated.
import type { AccountsFeature } from '../accounts/feature.js';
import { createAccountsFeature } from '../accounts/feature.js';
import { MemoryAccountStore } from '../accounts/memoryStore.js';
import { PgAccountStore } from '../accounts/pgStore.js';
import { isCutOff } from '../accounts/revocation.js';
import type { Logger } from '../common/log.js';
import type { Postgres } from '../common/postgres/connect.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { DEMO_SCHOOL_ID } from '../directory/demo.js';
import type { DirectoryFeature } from '../directory/feature.js';
import type { MessagingFeature } from '../messaging/feature.js';
import { UserTokens } from '../messaging/userTokens.js';
import type { Membership } from '../signaling/call/membership.js';
import type { MeetingBook } from '../signaling/domain/meetings.js';
import type { RoomRegistry } from '../signaling/domain/roomRegistry.js';
import type { TokenRevocation } from '../signaling/tokenRevocation.js';
import type { TokenService } from '../signaling/tokens.js';
import type { Config } from './config.js';

import pb = schoolcall.v1;

export function assembleAccounts(d: {
  config: Config;
  /** Where accounts are kept; without one (tests, no DATABASE_URL) they live in memory. */
  database: Postgres | null;
  messaging: MessagingFeature;
  directory: DirectoryFeature;
  registry: RoomRegistry;
  tokens: TokenService;
  revocation: TokenRevocation;
  membership: Membership;
  meetings: () => MeetingBook | null;
  publicUrl: () => string;
  metricsRegistry: Parameters<typeof createAccountsFeature>[0]['metricsRegistry'];
  log: Logger;
}): AccountsFeature {
  const { config } = d;
  if (!d.database)
    d.log.warn('DATABASE_URL is not set: accounts are kept in memory and forgotten at restart');
  const accounts = createAccountsFeature({
    config: config.accounts,
    store: d.database ? new PgAccountStore(d.database) : new MemoryAccountStore(),
    messenger: d.messaging.messenger,
    directory: { store: d.directory.store, importer: d.directory.importer, meetings: d.directory.meetings },
    calls: d.messaging.calls,
    registry: d.registry,
    callTokens: d.tokens,
    userTokens: new UserTokens(config.tokenSecret, config.tokenIssuer, d.revocation),
    meetings: () => d.meetings()?.all() ?? [],
    secret: config.tokenSecret,
    publicUrl: d.publicUrl,
    secureCookies: Boolean(config.tls) || config.trustProxy || config.publicUrl.startsWith('https:'),
    demoSchoolId: config.demoSchool ? DEMO_SCHOOL_ID : null,
    metricsRegistry: d.metricsRegistry,
    log: d.log,
  });
  accounts.onCutOff((c) => {
    d.messaging.closeConnections((who) => isCutOff(c, who.userId, who.sessionId), 'signed out');
    d.membership.removeWhere(
      (id) => isCutOff(c, id.userId, id.sessionId),
      pb.CloseReason.CLOSE_REASON_SIGNED_OUT,
      'signed out',
    );
  });
  return accounts;
}
