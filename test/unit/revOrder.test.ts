// Each chat's message events handed on in rev order, once: swapped arrivals
// are put back in order, a gap nobody fills is read from the store (here the
// list of what was committed), late copies of what was handed on are dropped.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import type { FeedEvent } from '../../messaging/bus.js';
import type { StoredMessage } from '../../messaging/records.js';
import { RevOrder } from '../../messaging/revOrder.js';

type M = Extract<FeedEvent, { t: 'm' }>;
const msg = (rev: number, chat = 'c1'): M => ({
  t: 'm',
  c: chat,
  r: { seq: rev, rev, at: 0, kind: 'text', from: 'u', name: 'U', text: `#${rev}` } as StoredMessage,
});

function setup(committed: StoredMessage[] = []) {
  const out: string[] = [];
  const reads: number[] = [];
  const order = new RevOrder(
    (e) => out.push(`${e.c}:${e.r.rev}`),
    async (_chat, after) => {
      reads.push(after);
      return committed.filter((m) => m.rev > after);
    },
    createLogger('silent'),
    20,
  );
  return { order, out, reads };
}

describe('rev order per chat', () => {
  it('puts swapped events back in order without asking the store', async () => {
    const { order, out, reads } = setup();
    order.push(msg(1));
    order.push(msg(3));
    order.push(msg(2));
    order.push(msg(4));
    expect(out).toEqual(['c1:1', 'c1:2', 'c1:3', 'c1:4']);
    await new Promise((r) => setTimeout(r, 50));
    expect(reads).toEqual([]);
  });

  it('reads a gap nobody publishes (a host died after its commit) from the store', async () => {
    const committed = [1, 2, 3, 4].map((r) => msg(r).r);
    const { order, out, reads } = setup(committed);
    order.push(msg(1));
    order.push(msg(3));
    order.push(msg(4));
    expect(out).toEqual(['c1:1']);
    await new Promise((r) => setTimeout(r, 60));
    expect(reads).toEqual([1]);
    expect(out).toEqual(['c1:1', 'c1:2', 'c1:3', 'c1:4']);
    // The missing event arriving after all is not handed on twice.
    order.push(msg(2));
    expect(out).toHaveLength(4);
  });

  it('keeps chats apart and hands on a late event it never saw', () => {
    const { order, out } = setup();
    order.push(msg(5, 'a'));
    order.push(msg(9, 'b'));
    order.push(msg(6, 'a'));
    // First heard at rev 5: rev 4, never handed on, still goes out.
    order.push(msg(4, 'a'));
    order.push(msg(6, 'a'));
    expect(out).toEqual(['a:5', 'b:9', 'a:6', 'a:4']);
  });
});
