// Rooms and the people in them, for integration tests: one way to make a
// room through the admin API and one way for someone to join it over the
// real protocol.
import { TestClient, type pb } from './protocolClient.js';
import type { TestServer } from './testServer.js';

export interface CreatedRoom {
  id: string;
  code: string;
  password: string;
}

/** Makes a room through the admin API (201 expected) and returns its id, code and password. */
export async function createRoom(
  server: { httpUrl: string; adminHeaders: Record<string, string> },
  id: string,
  opts: {
    title?: string;
    settings?: Record<string, unknown>;
    /** Whose the room is (RoomDefinition.owner): its school, and the staff expected. */
    owner?: { school: string; staff: string[] };
  } = {},
): Promise<CreatedRoom> {
  const res = await fetch(`${server.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: server.adminHeaders,
    body: JSON.stringify({
      id,
      ...(opts.title ? { title: opts.title } : {}),
      settings: opts.settings ?? {},
      ...(opts.owner ? { owner: opts.owner } : {}),
    }),
  });
  if (res.status !== 201) throw new Error(`create room ${id}: ${res.status} ${await res.text()}`);
  return (await res.json()) as CreatedRoom;
}

export interface Person {
  c: TestClient;
  join: pb.IJoinResponse;
  id: string;
  caps: pb.IRtpCapabilities;
  token: string;
}

/**
 * Someone joins a room with a token minted by the server's own minter. The
 * client goes into `clients` (when given) for the test to close.
 */
export async function enterRoom(
  server: TestServer,
  roomId: string,
  name: string,
  role: string,
  opts: {
    userId?: string;
    clients?: TestClient[];
    /** Runs on the connected client before it joins (to see the join's first events). */
    beforeJoin?: (c: TestClient) => void;
  } = {},
): Promise<Person> {
  const { token } = await server.tokens.mint(
    { userId: opts.userId ?? name, displayName: name, role: role as never, roomId },
    600,
  );
  const c = await TestClient.connect(server.wsUrl);
  opts.clients?.push(c);
  opts.beforeJoin?.(c);
  const r = await c.request({ join: { roomId, token } });
  return { c, join: r.join!, id: r.join!.self!.participantId!, caps: r.join!.routerRtpCapabilities!, token };
}
