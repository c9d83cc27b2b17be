import type client from 'prom-client';
import type { Logger } from '../common/log.js';
import type { Messenger } from '../messaging/messenger.js';
import type { UserTokens } from '../messaging/userTokens.js';
import type { MeetingBook } from '../signaling/domain/meetings.js';
import type { Peer } from '../signaling/domain/peer.js';
import type { Room } from '../signaling/domain/room.js';
import type { RoomRegistry } from '../signaling/domain/roomRegistry.js';
import { HttpError } from '../signaling/http/httpUtil.js';
import type { Feature } from '../signaling/requests/features.js';
// The school directory as a feature of the server: its admin API, and the
// school's rules (DirectoryPolicy) given to the messenger. It keeps no Redis
// connection of its own: it works on the messenger's. Without REDIS_URL its
// routes answer 503.
import type { SharedLimits } from '../signaling/security/sharedLimits.js';
import { ClassMeetings } from './classMeetings.js';
import { classMeetingScheduler, loadDemoSchool } from './demo.js';
import { registerDemoRoutes } from './demoRoutes.js';
import { DirectoryImporter } from './importer.js';
import { DirectoryMetrics } from './metrics.js';
import { DirectoryPolicy } from './policy.js';
import { registerDirectoryRoutes } from './routes.js';
import { DirectoryStore } from './store.js';

export interface DirectoryDeps {
  messenger: Messenger | null;
  metricsRegistry: client.Registry;
  /** Limits shared by every host (security/sharedLimits.ts). */
  limits: SharedLimits;
  /** Lets a waiting peer into a room (the call's membership). */
  admit(room: Room, peer: Peer): Promise<void>;
  /** With DEMO_SCHOOL: tokens for the demo school's people. */
  demoTokens: UserTokens | null;
  log: Logger;
}

export interface DirectoryFeature {
  feature: Feature<never>;
  store: DirectoryStore | null;
  importer: DirectoryImporter | null;
  /** Meetings for a class (POST /api/meetings with "class"). */
  meetings: ClassMeetings;
  /** Loads the demo school if no school has a directory yet (DEMO_SCHOOL). */
  loadDemo(deps: { registry: RoomRegistry; meetings: MeetingBook; publicUrl: string }): Promise<void>;
}

export function createDirectoryFeature(deps: DirectoryDeps): DirectoryFeature {
  const log = deps.log.child({ part: 'directory' });
  const metrics = new DirectoryMetrics(deps.metricsRegistry);
  const m = deps.messenger;
  const store = m ? new DirectoryStore(m.redis) : null;
  const importer =
    m && store ? new DirectoryImporter({ store, chats: m.chats, chatStore: m.chatStore, log }) : null;
  if (m && store) m.chats.policy = new DirectoryPolicy(store);
  const need = <T>(x: T | null): T => {
    if (!x) throw new HttpError(503, 'the directory needs REDIS_URL');
    return x;
  };
  const meetings = new ClassMeetings(store, m, deps.admit, log);
  return {
    store,
    importer,
    meetings,
    async loadDemo(d) {
      if (!importer || !store) return;
      await loadDemoSchool(
        { importer, store, log, page: `${d.publicUrl}/school-demo` },
        classMeetingScheduler({ ...d, classMeetings: meetings }),
      );
    },
    feature: {
      name: 'directory',
      handlers: {},
      attach: (room) => meetings.attach(room),
      routes(router) {
        registerDirectoryRoutes(router, {
          importer: () => need(importer),
          store: () => need(store),
          metrics,
        });
        if (deps.demoTokens)
          registerDemoRoutes(router, {
            store: () => need(store),
            tokens: deps.demoTokens,
            limits: deps.limits,
          });
      },
    },
  };
}
