// A participant's whiteboard in tests: a real Yjs document fed by the
// server's whiteboard events, and changes made to it sent as the web client
// sends them (one Yjs update per request).
import * as Y from 'yjs';
import { ROOT } from '../../common/whiteboard/model.js';
import type { TestClient, pb } from './protocolClient.js';
import { enterRoom } from './rooms.js';
import type { TestServer } from './testServer.js';

export class BoardPeer {
  doc = new Y.Doc();
  state: pb.IWhiteboardState | null = null;
  readonly pointers: pb.IWhiteboardPointer[] = [];
  /** Updates received from the server, in order. */
  received = 0;

  constructor(readonly c: TestClient) {
    const previous = c.onEvent;
    c.onEvent = (e) => {
      this.onEvent(e);
      previous(e);
    };
  }

  private onEvent(e: pb.Event): void {
    if (e.whiteboardState) this.state = e.whiteboardState;
    if (e.whiteboardPointer) this.pointers.push(e.whiteboardPointer);
    const u = e.whiteboardUpdate;
    if (u?.update) {
      if (u.full) this.doc = new Y.Doc();
      Y.applyUpdate(this.doc, u.update, 'server');
      this.received++;
    }
  }

  /** Makes a change locally and returns its update, unsent. */
  change(run: (doc: Y.Doc) => void): Uint8Array {
    const before = Y.encodeStateVector(this.doc);
    this.doc.transact(() => run(this.doc));
    return Y.encodeStateAsUpdate(this.doc, before);
  }

  /** Sends an update and resolves with the whole response (error or not). */
  send(update: Uint8Array): Promise<pb.Response> {
    return this.c.rawRequest({ whiteboardUpdate: { update } });
  }

  /** Draws a rectangle (an element as the web client stores it) and sends it. */
  draw(id: string, page = 'p1', extra: Record<string, unknown> = {}): Promise<pb.Response> {
    return this.send(
      this.change((d) =>
        d
          .getMap(ROOT.elements)
          .set(id, { page, el: { id, type: 'rectangle', version: 1, x: 10, y: 20, ...extra } }),
      ),
    );
  }

  erase(id: string): Promise<pb.Response> {
    return this.send(this.change((d) => d.getMap(ROOT.elements).delete(id)));
  }

  elementIds(): string[] {
    return [...this.doc.getMap(ROOT.elements).keys()].sort();
  }

  json(): unknown {
    return {
      elements: this.doc.getMap(ROOT.elements).toJSON(),
      pages: this.doc.getMap(ROOT.pages).toJSON(),
      board: this.doc.getMap(ROOT.board).toJSON(),
      files: this.doc.getMap(ROOT.files).toJSON(),
    };
  }

  /** Throws the local document away and takes the server's (what the web client does after a refusal). */
  async resync(): Promise<void> {
    const r = await this.c.request({ whiteboardSync: { stateVector: new Uint8Array() } });
    this.doc = new Y.Doc();
    const update = r.whiteboardSync?.update;
    if (update?.byteLength) Y.applyUpdate(this.doc, update, 'server');
    this.state = r.whiteboardSync?.state ?? this.state;
  }

  /** Waits until this peer's document has exactly these elements. */
  async waitForElements(ids: string[], timeoutMs = 5000): Promise<void> {
    const want = [...ids].sort().join(',');
    const end = Date.now() + timeoutMs;
    while (this.elementIds().join(',') !== want) {
      if (Date.now() > end) throw new Error(`elements are [${this.elementIds().join(',')}], not [${want}]`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async waitForState(
    match: (s: pb.IWhiteboardState) => boolean,
    timeoutMs = 5000,
  ): Promise<pb.IWhiteboardState> {
    const end = Date.now() + timeoutMs;
    while (!this.state || !match(this.state)) {
      if (Date.now() > end) throw new Error(`board state is ${JSON.stringify(this.state)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.state;
  }
}

/** Someone joins a room with a board: their client (kept in `clients` to close), board, token and id. */
export async function joinWithBoard(
  server: TestServer,
  clients: TestClient[],
  roomId: string,
  name: string,
  role: string,
): Promise<{ c: TestClient; board: BoardPeer; token: string; id: string }> {
  let board: BoardPeer | undefined;
  const { c, token, id } = await enterRoom(server, roomId, name, role, {
    clients,
    beforeJoin: (connected) => {
      board = new BoardPeer(connected);
    },
  });
  return { c, board: board!, token, id };
}

/** The server's board as a third party sees it: its state vector and content. */
export async function serverBoard(c: TestClient) {
  const r = await c.request({ whiteboardSync: { stateVector: new Uint8Array() } });
  const doc = new Y.Doc();
  if (r.whiteboardSync?.update?.byteLength) Y.applyUpdate(doc, r.whiteboardSync.update);
  return {
    sv: Buffer.from(Y.encodeStateVector(doc)).toString('hex'),
    elements: doc.getMap(ROOT.elements).toJSON(),
    ink: doc.getMap(ROOT.ink).toJSON(),
    pages: doc.getMap(ROOT.pages).toJSON(),
  };
}
