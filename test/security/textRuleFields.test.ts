// Attack report 9 (#21), item 5: the text rule (common/protocol/textRule.ts)
// on every string field a request can carry, read from the .proto files
// themselves, so a field added tomorrow is tried too: for each request of
// the messenger's socket (ChatClientMessage) and of the call's socket
// (ClientMessage), each string field in it (and in the messages it holds,
// and repeated ones) gets a NUL in turn; the edge must answer with the
// socket's typed "invalid argument" before any handler runs.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { TestClient, pb } from '../helpers/protocolClient.js';

let s: ChatTestServer;
let chat: TestChatClient;
let call: TestClient;
const PERSON = { userId: 'trf-t', displayName: 'Анна Петровна', sortName: 'Петровна Анна' };
const BAD = 'a\u0000b';

const root = protobuf.loadSync(
  ['messaging.proto', 'signaling.proto'].map((f) =>
    fileURLToPath(new URL(`../../signaling/proto/${f}`, import.meta.url)),
  ),
);
root.resolveAll();

/** A camelCase path to each string field of `type`, nested messages up to `depth` deep. */
function stringPaths(type: protobuf.Type, depth = 3, seen = new Set<string>()): string[][] {
  if (depth === 0 || seen.has(type.fullName)) return [];
  const out: string[][] = [];
  for (const f of type.fieldsArray) {
    const name = protobuf.util.camelCase(f.name);
    if (f.type === 'string') out.push([name]);
    else if (f.resolvedType instanceof protobuf.Type && !f.map) {
      for (const rest of stringPaths(f.resolvedType, depth - 1, new Set([...seen, type.fullName])))
        out.push([name, ...rest]);
    }
  }
  return out;
}

/** A request body with a bad string at `path` (a list where the field repeats). */
function withBad(type: protobuf.Type, path: string[]): Record<string, unknown> {
  const [head, ...rest] = path;
  const f = type.fieldsArray.find((x) => protobuf.util.camelCase(x.name) === head)!;
  const value = rest.length ? withBad(f.resolvedType as protobuf.Type, rest) : BAD;
  return { [head!]: f.repeated ? [value] : value };
}

/** Every request of a socket's top message: [request field name, its type]. */
function requests(top: string): [string, protobuf.Type][] {
  const t = root.lookupType(top);
  return t.oneofs.request!.fieldsArray.map((f) => [
    protobuf.util.camelCase(f.name),
    f.resolvedType as protobuf.Type,
  ]);
}

beforeAll(async () => {
  s = await startChatServer();
  chat = await s.client(PERSON);
  call = await TestClient.connect(s.server.wsUrl);
}, 60_000);
afterAll(async () => {
  chat?.close();
  call?.close();
  await s?.stop();
});

/**
 * A connection answers a few refused frames, then is cut off as an attacker
 * (signaling/transport/floodGuard.ts malformedBurst 20; the address is then
 * held back): the test opens a fresh one every 15, as an honest client
 * that sends one bad field now and then would.
 */
const PER_CONNECTION = 15;

describe('the text rule on every string field of every request', () => {
  it('the messenger socket refuses a NUL in each, typed and counted', async () => {
    const before = await s.rejected('invalid_argument');
    let tried = 0;
    for (const [request, type] of requests('schoolcall.chat.v1.ChatClientMessage')) {
      for (const path of stringPaths(type)) {
        const body = { [request]: withBad(type, path) };
        if (tried > 0 && tried % PER_CONNECTION === 0) {
          chat.close();
          chat = await s.client(PERSON);
        }
        const r = await chat.rawRequest(body as never);
        expect(r.error?.code, `${request}.${path.join('.')}`).toBe(
          cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT,
        );
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(100);
    expect(await s.rejected('invalid_argument')).toBeGreaterThanOrEqual(before + tried);
  });

  it('the call socket refuses a NUL in each, typed', async () => {
    let tried = 0;
    for (const [request, type] of requests('schoolcall.v1.ClientMessage')) {
      for (const path of stringPaths(type)) {
        if (tried > 0 && tried % PER_CONNECTION === 0) {
          call.close();
          call = await TestClient.connect(s.server.wsUrl);
        }
        const r = await call.rawRequest({ [request]: withBad(type, path) } as never);
        expect(r.error?.code, `${request}.${path.join('.')}`).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(20);
  });
});
