// Accounts and sign-in as a feature of the server: the sign-in, home and
// school-admin routes, single sign-on, passkeys, and the token revocation
// the call and the messenger consult. It works on the messenger's Redis
// (sessions, back-off counters, sign-in attempts) and the directory (who
// people are); accounts themselves are in the AccountStore (PostgreSQL, or
// memory without a database). Without REDIS_URL its routes answer 503.
import type client from 'prom-client';
import type { Logger } from '../common/log.js';
import type { ClassMeetings } from '../directory/classMeetings.js';
import type { DirectoryImporter } from '../directory/importer.js';
import type { DirectoryStore } from '../directory/store.js';
import type { BotService } from '../messaging/bots.js';
import type { CallStarter } from '../messaging/calls.js';
import type { Messenger } from '../messaging/messenger.js';
import type { RetentionStore } from '../messaging/store/retentionStore.js';
import type { UserTokens } from '../messaging/userTokens.js';
import type { Meeting } from '../signaling/domain/meetings.js';
import type { RoomRegistry } from '../signaling/domain/roomRegistry.js';
import type { Feature } from '../signaling/requests/features.js';
import type { TokenRevocation } from '../signaling/tokenRevocation.js';
import type { TokenService } from '../signaling/tokens.js';
import { Attempts } from './attempts.js';
import { CodeHasher, generateCode, normalizeCode } from './codes.js';
import type { AccountsConfig } from './config.js';
import { AccountError, AccountMetrics } from './errors.js';
import { Home } from './home.js';
import { AccountHttp } from './http.js';
import { KnownDevices } from './knownDevices.js';
import type { AccountStore } from './model.js';
import { SsoSignIn } from './oidc.js';
import { Passkeys } from './passkeys.js';
import { People } from './people.js';
import { type CutOffListener, Revocations } from './revocation.js';
import { registerAccountRoutes } from './routes.js';
import { SchoolAdmin } from './schoolAdmin.js';
import { registerMachineRoutes, registerSchoolRoutes } from './schoolRoutes.js';
import { Sessions } from './sessions.js';
import { SETUP_PERSON, SignIn } from './signIn.js';
import { registerSsoRoutes } from './ssoRoutes.js';
import { AccountTokens } from './tokens.js';

export interface AccountsDeps {
  config: AccountsConfig;
  store: AccountStore;
  messenger: Messenger | null;
  directory: { store: DirectoryStore | null; importer: DirectoryImporter | null; meetings: ClassMeetings };
  calls: CallStarter | null;
  registry: RoomRegistry;
  callTokens: TokenService;
  userTokens: UserTokens;
  meetings: () => Meeting[];
  /** The server's secret: the key of the codes' hashes. */
  secret: string;
  publicUrl: () => string;
  /** Cookies marked Secure (TLS here, or a TLS proxy in front). */
  secureCookies: boolean;
  /** The demo school's id when this server runs the demo (no real school may be set up beside it). */
  demoSchoolId: string | null;
  metricsRegistry: client.Registry;
  log: Logger;
}

export interface AccountsFeature {
  feature: Feature<never>;
  /** What token checks ask (plugged into the call's and the messenger's token services). */
  revocation: TokenRevocation;
  /** Where this host's connections of someone signed out or deactivated are closed. */
  onCutOff(listener: CutOffListener): void;
  /** Teachers a school has confirmed («Подтверждённый учитель»). */
  verified(schoolId: string): Promise<Set<string>>;
  /** Starts listening for cut-offs; on a new server without a school, issues (and logs) the setup code. */
  start(): Promise<string | null>;
  /**
   * A part above this one (activity figures) adds routes for signed-in
   * people through the same edge (session, CSRF, role); before routes are made.
   */
  personRoutes(register: (http: AccountHttp) => void): void;
}

interface Parts {
  sessions: Sessions;
  people: People;
  signIn: SignIn;
  admin: SchoolAdmin;
  passkeys: Passkeys;
  home: Home;
  tokens: AccountTokens;
  sso: SsoSignIn;
  revocations: Revocations;
  /** The school's retention policy for its chats (the messenger's). */
  retention: RetentionStore;
  /** The school's bots (the messenger's) and the chats the admin may give them (the directory's). */
  bots: BotService;
  schoolChats: (school: string) => Promise<{ id: string; title: string }[]>;
}

export function createAccountsFeature(deps: AccountsDeps): AccountsFeature {
  const log = deps.log.child({ part: 'accounts' });
  const metrics = new AccountMetrics(deps.metricsRegistry);
  const hasher = new CodeHasher(`${deps.secret}:activation-codes`);
  const m = deps.messenger;
  const dir = deps.directory;
  const parts: Parts | null =
    m && dir.store && dir.importer && deps.calls ? build(m, dir.store, dir.importer, deps.calls) : null;

  function build(
    messenger: Messenger,
    directory: DirectoryStore,
    importer: DirectoryImporter,
    calls: CallStarter,
  ): Parts {
    const { store } = deps;
    const redis = messenger.redis;
    const sessions = new Sessions(redis, deps.config.sessionDays * 86400);
    const people = new People(directory, store, deps.demoSchoolId);
    const revocations = new Revocations(redis, sessions, log);
    const attempts = new Attempts(messenger.limits, deps.config.backoff);
    const signIn = new SignIn({
      store,
      sessions,
      attempts,
      revocations,
      people,
      hasher,
      devices: new KnownDevices(deps.secret),
      metrics,
      demo: deps.demoSchoolId !== null,
      log,
    });
    return {
      sessions,
      people,
      signIn,
      revocations,
      retention: messenger.retention,
      bots: messenger.bots,
      schoolChats: async (school) => {
        const ids = [...(await directory.slots(school)).values()];
        const chats = await Promise.all(ids.map((id) => messenger.chatStore.chat(id)));
        return chats
          .filter((c) => c !== null)
          .map((c) => ({ id: c.id, title: c.title }))
          .sort((a, b) => a.title.localeCompare(b.title, 'ru', { numeric: true }));
      },
      admin: new SchoolAdmin({
        store,
        people,
        importer,
        signIn,
        revocations,
        attempts,
        hasher,
        codeDays: deps.config.codeDays,
        log,
      }),
      passkeys: new Passkeys({ store, redis, publicUrl: deps.publicUrl, rpName: 'Школьная видеосвязь' }),
      home: new Home({
        messenger,
        classMeetings: dir.meetings,
        meetings: deps.meetings,
        people,
        store,
      }),
      tokens: new AccountTokens({
        userTokens: deps.userTokens,
        callTokens: deps.callTokens,
        calls,
        registry: deps.registry,
      }),
      sso: new SsoSignIn({
        providers: deps.config.sso,
        redis,
        directory,
        accounts: store,
        people,
        publicUrl: deps.publicUrl,
        log,
      }),
    };
  }

  const moreRoutes: ((http: AccountHttp) => void)[] = [];
  const need = (): Parts => {
    if (!parts) throw new AccountError('unavailable', 'accounts need REDIS_URL');
    return parts;
  };
  return {
    revocation: {
      revoked: (subject, sessionId) =>
        parts ? parts.revocations.revoked(subject, sessionId) : Promise.resolve(false),
    },
    onCutOff(listener) {
      parts?.revocations.onCutOff(listener);
    },
    verified: (schoolId) => deps.store.verified(schoolId),
    personRoutes: (register) => void moreRoutes.push(register),
    async start() {
      if (!parts) {
        log.info('REDIS_URL is not set: nobody can sign in');
        return null;
      }
      await parts.revocations.listen();
      const known = new Set([
        ...(await deps.store.schools()).map((s) => s.id),
        ...((await dir.store?.schools()) ?? []),
      ]);
      // The store is the record of who is deactivated; Redis's set is rebuilt from it.
      const deactivated: string[] = [];
      const active: string[] = [];
      for (const schoolId of known) {
        for (const a of await deps.store.accounts(schoolId)) {
          (a.deactivatedAt ? deactivated : active).push(a.personId);
        }
      }
      await parts.revocations.rebuild(deactivated, active);
      return known.size === 0 && deps.demoSchoolId === null ? await issueSetupCode() : null;
    },
    feature: {
      name: 'accounts',
      handlers: {},
      routes(router) {
        const http = new AccountHttp(router, {
          sessions: () => need().sessions,
          people: () => need().people,
          cookie: { secure: deps.secureCookies, maxAgeSeconds: deps.config.sessionDays * 86400 },
          metrics,
        });
        registerAccountRoutes({
          http,
          signIn: () => need().signIn,
          sessions: () => need().sessions,
          people: () => need().people,
          store: () => deps.store,
          passkeys: () => need().passkeys,
          home: () => need().home,
          admin: () => need().admin,
          tokens: () => need().tokens,
          providers: () => deps.config.sso.map((p) => ({ id: p.id, label: p.label })),
          demo: deps.demoSchoolId !== null,
        });
        registerSchoolRoutes({
          http,
          admin: () => need().admin,
          publicUrl: deps.publicUrl,
          retention: () => need().retention,
          bots: () => need().bots,
          schoolChats: (school) => need().schoolChats(school),
        });
        for (const register of moreRoutes) register(http);
        registerMachineRoutes(router, { admin: () => need().admin, people: () => need().people });
        registerSsoRoutes({
          http,
          sso: () => need().sso,
          signIn: () => need().signIn,
          people: () => need().people,
          publicUrl: deps.publicUrl,
        });
      },
      close() {
        parts?.revocations.close();
      },
    },
  };

  /** A new server's one way in: a code for the first school administrator, in the log. */
  async function issueSetupCode(): Promise<string> {
    const code = deps.config.setupCode ?? generateCode();
    const issuedAt = new Date();
    await deps.store.issueCode({
      codeHash: hasher.hash(normalizeCode(code)!),
      personId: SETUP_PERSON,
      schoolId: SETUP_PERSON,
      issuedBy: 'setup',
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + 7 * 86400_000),
      usedAt: null,
    });
    log.warn(
      { setupCode: code, url: `${deps.publicUrl()}/login` },
      'no school on this server yet: the setup code creates it and its administrator at /login',
    );
    return code;
  }
}
