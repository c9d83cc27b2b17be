// H5 remainder of #21: recordings capped per school as well as per server.
// A room is its school's when a teacher of it made it (RoomDefinition.owner:
// a lesson, a call in a chat, a class meeting, or the admin API's `owner`);
// one school's lessons record at most RECORDINGS_PER_SCHOOL at once, on all
// hosts together (sharedLimits.ts slots), so one school cannot take every
// recorder; another school, and rooms of no school (the server's cap only),
// are not held up. The real server, real recorder pipelines, the host's own
// requests over the WebSocket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestClient, pb } from '../helpers/protocolClient.js';
import { createRoom, enterRoom } from '../helpers/rooms.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
const hosts = new Map<string, TestClient>();

beforeAll(async () => {
  server = await startTestServer({ RECORDINGS_AT_ONCE: '10', RECORDINGS_PER_SCHOOL: '1' });
  for (const [id, school] of [
    ['school1-a', 'school-1'],
    ['school1-b', 'school-1'],
    ['school2-a', 'school-2'],
    ['no-school', null],
  ] as const) {
    await createRoom(server, id, { title: id, ...(school ? { owner: { school, staff: [] } } : {}) });
    hosts.set(id, (await enterRoom(server, id, `Учитель ${id}`, 'host', { userId: `t-${id}` })).c);
  }
});

afterAll(async () => {
  for (const c of hosts.values()) c.close();
  await server?.close();
});

const host = (id: string) => hosts.get(id)!;

describe('recordings per school', () => {
  it(
    "one school's second lesson waits for its first; other schools and rooms of no school go on",
    { timeout: 180_000 },
    async () => {
      expect((await host('school1-a').rawRequest({ startRecording: {} })).error ?? null).toBeNull();
      const refused = await host('school1-b').rawRequest({ startRecording: {} });
      expect(refused.error?.code).toBe(pb.ErrorCode.ERROR_CODE_TOO_MANY_RECORDINGS);
      expect(refused.error?.message).toContain('school');
      const broadcast = await host('school1-b').rawRequest({ startBroadcast: {} });
      expect(broadcast.error?.code).toBe(pb.ErrorCode.ERROR_CODE_TOO_MANY_RECORDINGS);
      expect((await host('school2-a').rawRequest({ startRecording: {} })).error ?? null).toBeNull();
      expect((await host('no-school').rawRequest({ startRecording: {} })).error ?? null).toBeNull();
      // The first lesson stops: its place is free for the school's next.
      await host('school1-a').request({ stopRecording: {} });
      expect((await host('school1-b').rawRequest({ startRecording: {} })).error ?? null).toBeNull();
      for (const id of ['school1-b', 'school2-a', 'no-school']) await host(id).request({ stopRecording: {} });
    },
  );
});
