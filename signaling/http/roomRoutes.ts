// The admin API for rooms: create, list, read, delete, mint join tokens, and
// the hosts of the deployment.
import type { Logger } from '../../common/log.js';
import type { Room } from '../domain/room.js';
import { InvalidRoomIdError, RoomExistsError, type RoomRegistry } from '../domain/roomRegistry.js';
import { HttpError, sendJson } from './httpUtil.js';
import type { JoinTokens } from './joinTokens.js';
import type { HttpRouter } from './router.js';
import { optionalInt, optionalString, parseOwner, parseSettings } from './validate.js';

export interface RoomRoutesDeps {
  registry: RoomRegistry;
  joinTokens: JoinTokens;
  publicUrl: string;
  log: Logger;
  /** Ends a room's call (on its home host too) and deletes it. */
  deleteRoom(room: Room): Promise<void>;
  /** Hosts of this deployment, least loaded first. */
  listHosts(): Promise<unknown[]>;
}

export function roomJson(room: Room, publicUrl: string) {
  const d = room.definition;
  return {
    id: d.id,
    title: d.title,
    createdAt: d.createdAt.toISOString(),
    maxParticipants: d.maxParticipants,
    participants: room.peers.size,
    waiting: room.waiting.size,
    code: d.code,
    password: d.password,
    shortLink: `${publicUrl}/j/${d.code}`,
    settings: room.settings,
  };
}

export function registerRoomRoutes(router: HttpRouter, deps: RoomRoutesDeps): void {
  const { registry, log } = deps;
  const admin = { admin: true };

  router.route('post', '/api/rooms', 'create_room', admin, async (reply, req) => {
    const body = await req.json();
    const id = optionalString(body, 'id', 64);
    const title = optionalString(body, 'title', 200);
    const maxParticipants = optionalInt(body, 'maxParticipants', 1, 100000);
    const settings = parseSettings(body.settings);
    const owner = parseOwner(body.owner);
    let room: Room;
    try {
      room = await registry.createStored({ id, title, maxParticipants, settings, owner });
    } catch (err) {
      if (err instanceof RoomExistsError) throw new HttpError(409, err.message);
      if (err instanceof InvalidRoomIdError) throw new HttpError(400, err.message);
      throw err;
    }
    log.info({ room: room.id, title: room.definition.title }, 'room created');
    sendJson(reply, 201, roomJson(room, deps.publicUrl));
  });

  router.route('get', '/api/hosts', 'list_hosts', admin, async (reply) => {
    sendJson(reply, 200, { hosts: await deps.listHosts() });
  });

  router.route('get', '/api/rooms', 'list_rooms', admin, (reply) => {
    sendJson(reply, 200, { rooms: [...registry.all()].map((r) => roomJson(r, deps.publicUrl)) });
  });

  router.route('get', '/api/rooms/:id', 'get_room', admin, async (reply, { params: [id] }) => {
    const room = await registry.find(id ?? '');
    if (!room) throw new HttpError(404, 'room not found');
    sendJson(reply, 200, roomJson(room, deps.publicUrl));
  });

  router.route('del', '/api/rooms/:id', 'delete_room', admin, async (reply, { params: [id] }) => {
    const room = await registry.find(id ?? '');
    if (!room) throw new HttpError(404, 'room not found');
    await deps.deleteRoom(room);
    log.info({ room: room.id }, 'room deleted');
    sendJson(reply, 200, { deleted: room.id });
  });

  router.route(
    'post',
    '/api/rooms/:id/tokens',
    'mint_token',
    admin,
    async (reply, { params: [id], json }) => {
      const body = await json();
      const room = await registry.find(id ?? '');
      if (!room) throw new HttpError(404, 'room not found');
      const role = body.role === undefined ? 'participant' : body.role;
      sendJson(reply, 201, await deps.joinTokens.mint(room, body, String(role)));
    },
  );
}
