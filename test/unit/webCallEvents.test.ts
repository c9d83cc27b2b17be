// The browser's event seam (web/src/call/events.ts): events reach their
// listeners by type, media events wait for the media set-up before them, and
// chat and board events never do.
import { describe, expect, it } from 'vitest';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import { CallEvents, LANES } from '../../web/src/call/events.js';

import pb = schoolcall.v1;

/** A promise and the way to settle it: a consumer set-up that takes as long as the test says. */
function pending(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

const producerAdded = (producerId: string) =>
  pb.Event.create({ producerAdded: { producer: { producerId, participantId: 'p1' } } });
const chatMessage = (text: string) => pb.Event.create({ chatMessage: { seq: 1, rev: 1, text } });

describe('the browser event seam', () => {
  it('delivers a chat or board event at once while a consumer set-up is pending', async () => {
    const events = new CallEvents();
    events.mediaReady();
    const setUp = pending();
    const seen: string[] = [];
    events.on('producerAdded', async (e) => {
      seen.push(`consume ${e.producer?.producerId} started`);
      await setUp.promise;
      seen.push(`consume ${e.producer?.producerId} done`);
    });
    events.on('presenceChanged', () => {
      seen.push('presence');
    });
    events.on('chatMessage', (m, whole) => {
      seen.push(`chat ${m.text}`);
      expect(whole.chatMessage).toBe(m);
    });
    events.on('whiteboardUpdate', () => {
      seen.push('board');
    });

    events.deliver(producerAdded('cam-1'));
    await flush();
    events.deliver(pb.Event.create({ presenceChanged: { participantCount: 3 } }));
    events.deliver(chatMessage('Можно вопрос?'));
    events.deliver(pb.Event.create({ whiteboardUpdate: { location: '', update: new Uint8Array([1]) } }));
    await flush();
    // The consumer is still being set up: the chat and the board are shown, the roster change waits.
    expect(seen).toEqual(['consume cam-1 started', 'chat Можно вопрос?', 'board']);

    setUp.resolve();
    await flush();
    expect(seen).toEqual([
      'consume cam-1 started',
      'chat Можно вопрос?',
      'board',
      'consume cam-1 done',
      'presence',
    ]);
  });

  it('holds media events until joining has set media up, then delivers them in order', async () => {
    const events = new CallEvents();
    const seen: string[] = [];
    events.on('producerAdded', (e) => {
      seen.push(e.producer?.producerId ?? '');
    });
    events.on('chatMessage', (m) => {
      seen.push(m.text ?? '');
    });
    events.deliver(producerAdded('a'));
    events.deliver(chatMessage('hello'));
    events.deliver(producerAdded('b'));
    await flush();
    expect(seen).toEqual(['hello']);
    events.mediaReady();
    await flush();
    expect(seen).toEqual(['hello', 'a', 'b']);
  });

  it('runs the listeners of a media event one after another, in the order they subscribed', async () => {
    const events = new CallEvents();
    events.mediaReady();
    const relocation = pending();
    const seen: string[] = [];
    events.on('moved', async () => {
      await relocation.promise;
      seen.push('media set up again');
    });
    events.on('moved', (e) => {
      seen.push(`told: ${e.locationName}`);
    });
    // A listener that needs no media may hear the same event at once.
    events.on('moved', () => seen.push('at once'), 'direct');
    events.deliver(pb.Event.create({ moved: { location: 'b1', locationName: 'Группа 1' } }));
    await flush();
    expect(seen).toEqual(['at once']);
    relocation.resolve();
    await flush();
    expect(seen).toEqual(['at once', 'media set up again', 'told: Группа 1']);
  });

  it('keeps going when a listener fails, and stops calling one that unsubscribed', async () => {
    const events = new CallEvents();
    events.mediaReady();
    const seen: string[] = [];
    const quiet = console.warn;
    console.warn = () => {};
    try {
      events.on('producerRemoved', () => {
        throw new Error('broken listener');
      });
      events.on('producerRemoved', (e) => {
        seen.push(e.producerId ?? '');
      });
      const stop = events.on('subtitleLine', (l) => {
        seen.push(l.text ?? '');
      });
      events.deliver(pb.Event.create({ producerRemoved: { producerId: 'x' } }));
      events.deliver(pb.Event.create({ subtitleLine: { text: 'первая' } }));
      stop();
      events.deliver(pb.Event.create({ subtitleLine: { text: 'вторая' } }));
      await flush();
    } finally {
      console.warn = quiet;
    }
    expect(seen).toEqual(['первая', 'x']);
  });

  it('gives chat and board events the direct lane, media and roster events the media lane', () => {
    for (const type of ['chatMessage', 'chatChanged', 'chatMyFlags', 'commentPending'] as const) {
      expect(LANES[type]).toBe('direct');
    }
    for (const type of ['whiteboardState', 'whiteboardUpdate', 'whiteboardPointer'] as const) {
      expect(LANES[type]).toBe('direct');
    }
    for (const type of ['producerAdded', 'presenceChanged', 'moved', 'resync'] as const) {
      expect(LANES[type]).toBe('media');
    }
  });
});
