// The web client's board sync (web/src/whiteboard/lazy/docSync.ts) when the
// server cannot store an update (#21: the whiteboard during a Redis outage):
// it is answered "try again" (ERROR_CODE_UNAVAILABLE). The client keeps it,
// with what is drawn meanwhile behind it, and sends it again until it is
// stored, without throwing the person's drawing away; other refusals still
// take the server's board.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import { RequestError } from '../../web/src/protocol/signalingClient.js';
import type { BoardSession } from '../../web/src/state/boardSession.js';
import { DocSync } from '../../web/src/whiteboard/lazy/docSync.js';

import pb = schoolcall.v1;

/** A server that stores into `stored` unless `down`, and answers a sync with what it stored. */
function fakeServer() {
  const stored = new Y.Doc();
  const s = { down: false, refused: 0, syncs: 0, stored };
  const session = {
    call: {
      async request(req: pb.IClientMessage) {
        if (req.whiteboardSync) {
          s.syncs++;
          return {
            whiteboardSync: { update: Y.encodeStateAsUpdate(stored), state: { open: true, location: '' } },
          };
        }
        if (s.down) {
          s.refused++;
          throw new RequestError(pb.ErrorCode.ERROR_CODE_UNAVAILABLE, 'try again');
        }
        Y.applyUpdate(stored, req.whiteboardUpdate!.update!);
        return {};
      },
    },
    setState() {},
  } as unknown as BoardSession;
  return { s, session };
}

const draw = (doc: Y.Doc, id: string) => doc.getMap('elements').set(id, { page: 'p1', el: { id } });
const ids = (doc: Y.Doc) => [...doc.getMap('elements').keys()].sort();

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the board client while the server cannot store', () => {
  it('keeps what was not stored and sends it again, in order, until it is', async () => {
    const { s, session } = fakeServer();
    const sync = new DocSync(session);
    draw(sync.doc, 'a');
    await until(() => ids(s.stored).length === 1);
    s.down = true;
    draw(sync.doc, 'b');
    await until(() => s.refused >= 1);
    draw(sync.doc, 'c');
    await until(() => s.refused >= 2);
    // What the person drew stays on their board meanwhile.
    expect(ids(sync.doc)).toEqual(['a', 'b', 'c']);
    s.down = false;
    await until(() => ids(s.stored).length === 3);
    expect(ids(s.stored)).toEqual(['a', 'b', 'c']);
    expect(s.syncs).toBe(0);
    expect(ids(sync.doc)).toEqual(['a', 'b', 'c']);
  });

  it('another refusal still takes the server board', async () => {
    const { s, session } = fakeServer();
    (session.call as { request: unknown }).request = async (req: pb.IClientMessage) => {
      if (req.whiteboardSync) {
        s.syncs++;
        return {
          whiteboardSync: { update: Y.encodeStateAsUpdate(s.stored), state: { open: true, location: '' } },
        };
      }
      throw new RequestError(pb.ErrorCode.ERROR_CODE_WHITEBOARD_NO_RIGHTS, 'no');
    };
    const sync = new DocSync(session);
    draw(sync.doc, 'x');
    await until(() => s.syncs === 1);
    await until(() => ids(sync.doc).length === 0);
  });
});
