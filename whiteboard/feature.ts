// The whiteboard as a feature: its requests, a RoomBoards for every room
// this host holds, the store (Redis with REDIS_URL, else memory), metrics,
// and the download routes.
import client from 'prom-client';
import type { Logger } from '../common/log.js';
import type { AdminAuth } from '../signaling/adminAuth.js';
import type { Room } from '../signaling/domain/room.js';
import type { RoomFanout } from '../signaling/fanout/topics.js';
import type { Feature } from '../signaling/requests/features.js';
import type { TokenService } from '../signaling/tokens.js';
import { type BoardStore, MemoryBoardStore } from './boardStore.js';
import type { WhiteboardConfig } from './config.js';
import { type WhiteboardRequest, whiteboardHandlers } from './handlers.js';
import { PresentationRequests } from './presentation.js';
import { RedisBoardStore } from './redisBoardStore.js';
import { WhiteboardRequests } from './requests.js';
import { RoomBoards } from './roomBoards.js';
import { registerBoardRoutes } from './routes.js';

export interface WhiteboardDeps {
  config: WhiteboardConfig;
  redisUrl: string | null;
  out: RoomFanout;
  tokens: TokenService;
  admin: AdminAuth;
  registry: client.Registry;
  log: Logger;
}

export interface WhiteboardFeature extends Feature<WhiteboardRequest> {
  /** The saved lessons' boards (for the lesson's page, app/lessonFiles.ts). */
  saved: Pick<BoardStore, 'listLessons' | 'getLesson'>;
}

export function createWhiteboardFeature(deps: WhiteboardDeps): WhiteboardFeature {
  const { config, log } = deps;
  const store: BoardStore = deps.redisUrl
    ? new RedisBoardStore(deps.redisUrl, config.savedLessons, config.savedDays, log)
    : new MemoryBoardStore(config.savedLessons);
  const registers = [deps.registry];
  const updates = new client.Counter({
    name: 'school_call_whiteboard_updates_total',
    help: 'Whiteboard updates applied and relayed',
    registers,
  });
  const updateBytes = new client.Counter({
    name: 'school_call_whiteboard_update_bytes_total',
    help: 'Bytes of whiteboard updates applied and relayed',
    registers,
  });
  const liveBoards = new client.Gauge({
    name: 'school_call_whiteboards',
    help: 'Whiteboards held in memory (open or not)',
    registers,
  });
  const rooms = new Map<string, RoomBoards>();
  let shuttingDown = false;
  const boardsOf = (room: Room): RoomBoards => {
    let boards = rooms.get(room.id);
    if (!boards || boards.room !== room) {
      boards = new RoomBoards(room, {
        config,
        store,
        out: deps.out,
        log,
        shuttingDown: () => shuttingDown,
        onBoardsChanged: (delta) => liveBoards.inc(delta),
      });
      rooms.set(room.id, boards);
    }
    return boards;
  };
  const requests = new WhiteboardRequests(({ room }) => boardsOf(room), config, {
    applied(bytes) {
      updates.inc();
      updateBytes.inc(bytes);
    },
  });
  return {
    name: 'whiteboard',
    saved: {
      listLessons: (roomId) => store.listLessons(roomId),
      getLesson: (roomId, id) => store.getLesson(roomId, id),
    },
    handlers: whiteboardHandlers(requests, new PresentationRequests(({ room }) => boardsOf(room))),
    attach(room) {
      boardsOf(room).attach();
    },
    routes(router) {
      registerBoardRoutes(router, { store, tokens: deps.tokens, admin: deps.admin });
    },
    shutdown() {
      shuttingDown = true;
    },
    async close() {
      await store.close();
    },
  };
}
