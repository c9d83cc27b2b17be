// Event barriers for "nothing else arrived" assertions. A fixed sleep before
// `expect(events).toEqual([])` passes vacuously when the event is merely
// late; a barrier makes the watcher cause an event of its own that travels
// the same road after the request under test was answered, and waits for it:
// whatever the request caused has arrived by then, or never will.
import { randomBytes } from 'node:crypto';
import type { TestChatClient, cpb } from './chatServer.js';
import type { TestClient, pb } from './protocolClient.js';

/**
 * The call: the watcher raises and lowers its own hand. Presence goes out in
 * batches, the latest kind of room event, so both batches arriving means every
 * earlier event to the watcher has. Returns what came before (and anything
 * else the barrier's batches carried); the watcher's log is emptied.
 */
export async function callEventsSoFar(watcher: TestClient, watcherId: string): Promise<pb.Event[]> {
  // A batch lists a peer who arrived within it as joined, with its latest state.
  const listed = (e: pb.Event) => [
    ...(e.presenceChanged?.updated ?? []),
    ...(e.presenceChanged?.joined ?? []),
  ];
  const mine = (e: pb.Event, raised: boolean) =>
    listed(e).some((p) => p.participantId === watcherId && (p.handRaisedAt ?? 0) > 0 === raised);
  const start = watcher.events.length;
  await watcher.request({ raiseHand: { raised: true } });
  const up = await watcher.waitForEvent((e) => mine(e, true));
  const from = watcher.events.indexOf(up);
  await watcher.request({ raiseHand: { raised: false } });
  const down = await watcher.waitForEvent((e) => watcher.events.indexOf(e) > from && mine(e, false));
  // The watcher is also told of its own hand at once; that is the barrier's, not the test's.
  const ownUpdate = (e: pb.Event) => e.participantUpdated?.participant?.participantId === watcherId;
  const before = watcher.events.slice(0, from).filter((e, i) => i < start || !ownUpdate(e));
  const extra = [up, down].filter((e) => {
    const p = e.presenceChanged!;
    const others = listed(e).filter((x) => x.participantId !== watcherId);
    return (p.left?.length ?? 0) + others.length > 0;
  });
  watcher.events.length = 0;
  return [...before, ...extra];
}

/**
 * The messenger: the watcher posts in a chat of its own (`ownChatId`, one
 * nobody else is in). Chat events reach a member through the chat bus in the
 * order they were published, so once the watcher's own message is back, every
 * earlier event for it is too. Returns what came before; the log is emptied.
 */
export async function chatEventsSoFar(watcher: TestChatClient, ownChatId: string): Promise<cpb.ChatEvent[]> {
  const mark = `barrier-${randomBytes(6).toString('hex')}`;
  await watcher.send(ownChatId, mark);
  const echo = await watcher.waitFor((e) => e.message?.text === mark);
  const before = watcher.events.slice(0, watcher.events.indexOf(echo));
  watcher.events.length = 0;
  const about = (e: cpb.ChatEvent) =>
    e.message?.chatId ?? e.batch?.chatId ?? e.chatChanged?.chatId ?? e.read?.chatId ?? e.myFlags?.chatId;
  return before.filter((e) => about(e) !== ownChatId);
}
