// The server's HTTP side: the admin API, joining by code, every feature's
// routes, the pages, and which pages may open the WebSocket.
import type { MessagingFeature } from '../messaging/feature.js';
import { AdminAuth } from '../signaling/adminAuth.js';
import type { Membership } from '../signaling/call/membership.js';
import type { MeetingBook } from '../signaling/domain/meetings.js';
import type { Room } from '../signaling/domain/room.js';
import type { GuardedApp } from '../signaling/http/guardedApp.js';
import { registerJoinRoutes } from '../signaling/http/joinRoutes.js';
import type { JoinTokens } from '../signaling/http/joinTokens.js';
import {
  type BroadcastScheduler,
  type MeetingAudience,
  registerMeetingRoutes,
} from '../signaling/http/meetingRoutes.js';
import { registerPageRoutes } from '../signaling/http/pageRoutes.js';
import { registerRoomRoutes } from '../signaling/http/roomRoutes.js';
import { HttpRouter } from '../signaling/http/router.js';
import { StaticFiles } from '../signaling/http/staticFiles.js';
import type { Feature } from '../signaling/requests/features.js';
import type { Config } from './config.js';
import type { Core } from './core.js';

/** The admin API, joining by code, every feature's routes, and the pages. */
export function registerHttp(
  app: GuardedApp,
  core: Core,
  features: readonly Feature<never>[],
  membership: Membership,
  meetings: MeetingBook,
  joinTokens: JoinTokens,
  messaging: MessagingFeature,
  scheduleBroadcast: BroadcastScheduler,
  meetingAudience: MeetingAudience,
  /** Origins whose pages may change things (set once the server listens). */
  origins: () => readonly string[],
): HttpRouter {
  const { config, registry, metrics, log, cluster, pool, ws } = core;
  const router = new HttpRouter(
    app,
    new AdminAuth(config.adminSecret),
    metrics,
    log,
    config.trustProxy,
    origins,
  );
  /** Ends a room's call (on its home too, when that is another host) and deletes it. */
  const deleteRoom = async (room: Room): Promise<void> => {
    membership.closeRoom(room);
    await registry.removeStored(room.id);
    cluster.roomDeleted(room.id);
  };
  const publicUrl = config.publicUrl;
  registerRoomRoutes(router, {
    registry,
    joinTokens,
    publicUrl,
    log,
    deleteRoom,
    listHosts: () => cluster.listHosts(),
  });
  registerMeetingRoutes(router, {
    registry,
    meetings,
    publicUrl,
    log,
    deleteRoom,
    scheduleBroadcast,
    audience: meetingAudience,
  });
  registerJoinRoutes(router, {
    registry,
    joinTokens,
    metrics,
    log,
    demoRoomId: config.demoRoomId,
    limits: core.limits,
  });
  for (const f of features) f.routes?.(router);
  registerPageRoutes(router, {
    metrics,
    staticFiles: new StaticFiles(config.webRoot, { sourceMaps: config.webSourceMaps }),
    demoRoomId: config.demoRoomId,
    demo: config.demoSchool,
  });
  return router;
}

/**
 * Pages that may open the WebSocket: the public URL's, those configured,
 * and, when no public URL was set (a first run on one machine), this host
 * opened as localhost.
 */
export function allowedOrigins(config: Config, url: string, port: number): string[] {
  const list = [new URL(url).origin, ...config.allowedOrigins];
  if (!config.publicUrlConfigured) list.push(`http://localhost:${port}`, `http://127.0.0.1:${port}`);
  return [...new Set(list)];
}
