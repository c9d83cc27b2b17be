// The board's Yjs document in the browser, kept in step with the server's:
// remote updates are applied as they come (a `full` one or a move to another
// place starts a new document), local changes are merged and sent one
// request at a time, at most every SEND_EVERY_MS. The server acknowledges an
// update once it is stored; one it could not store ("try again": its store is
// away) is kept, in order before anything drawn since, and sent again with
// back-off until it is acknowledged, so nothing drawn during an outage is lost.
// If the server refuses an update for any other reason (no rights, a limit, a
// gap) or we fell behind, the document is rebuilt from the server's, so what
// people see is what the server holds.
import * as Y from 'yjs';
import { RequestError } from '../../protocol/signalingClient.js';
import { pb } from '../../protocol/wire.js';
import type { BoardSession, BoardSink } from '../../state/boardSession.js';

/** Transactions that came from the server; everything else is ours to send. */
export const REMOTE = Symbol('remote');

const SEND_EVERY_MS = 50;
/** Merged updates are sent in pieces below the server's limit where they can be. */
const MAX_BATCH_BYTES = 40 * 1024;
/** Resending what the server could not store: first after this long, doubling up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

/** The server could not store it now and said "try again": nothing of it was refused. */
function notStoredYet(err: unknown): boolean {
  return err instanceof RequestError && err.code === pb.ErrorCode.ERROR_CODE_UNAVAILABLE;
}

export interface DocEvents {
  /** The document was replaced (new place, full state, resync): redraw everything. */
  reset(): void;
  pointer(p: pb.IWhiteboardPointer): void;
  /** The server refused what we sent; the board went back to the server's state. */
  refused(err: unknown): void;
}

export class DocSync implements BoardSink {
  doc: Y.Doc;
  location = '';
  private pending: Uint8Array[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight = false;
  private lastSentAt = 0;
  /** How long to wait before resending what was not stored (0: nothing waits). */
  private retryMs = 0;
  private syncing: Promise<void> | null = null;
  listeners: DocEvents | null = null;

  constructor(private readonly session: BoardSession) {
    this.doc = this.newDoc();
  }

  event(e: pb.Event): void {
    const state = e.whiteboardState;
    if (state && (state.location ?? '') !== this.location) this.replace(state.location ?? '', null);
    const u = e.whiteboardUpdate;
    if (u?.update) {
      const location = u.location ?? '';
      if (u.full || location !== this.location) this.replace(location, u.update);
      else Y.applyUpdate(this.doc, u.update, REMOTE);
    }
    if (e.whiteboardPointer) this.listeners?.pointer(e.whiteboardPointer);
    if (e.resync) void this.resync();
  }

  /** Takes the server's whole board instead of ours. */
  resync(): Promise<void> {
    this.syncing ??= (async () => {
      try {
        const r = await this.session.call.request({
          whiteboardSync: { stateVector: new Uint8Array() },
        });
        const state = r.whiteboardSync?.state;
        if (state) this.session.setState(state);
        this.replace(state?.location ?? this.location, r.whiteboardSync?.update ?? null);
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  private newDoc(): Y.Doc {
    const doc = new Y.Doc();
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE || doc !== this.doc) return;
      this.pending.push(update);
      this.schedule();
    });
    return doc;
  }

  /** Sends what is pending no sooner than SEND_EVERY_MS after the last send (the server limits the rate). */
  private schedule(): void {
    if (this.timer || this.pending.length === 0) return;
    const wait = Math.max(0, this.lastSentAt + Math.max(SEND_EVERY_MS, this.retryMs) - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, wait);
  }

  private replace(location: string, update: Uint8Array | null): void {
    const old = this.doc;
    this.location = location;
    this.pending = [];
    this.doc = this.newDoc();
    if (update?.byteLength) Y.applyUpdate(this.doc, update, REMOTE);
    old.destroy();
    this.listeners?.reset();
  }

  private async flush(): Promise<void> {
    if (this.inFlight || this.pending.length === 0 || this.syncing) return;
    const batch: Uint8Array[] = [];
    let bytes = 0;
    while (this.pending.length) {
      const next = this.pending[0]!;
      if (batch.length && bytes + next.byteLength > MAX_BATCH_BYTES) break;
      batch.push(next);
      bytes += next.byteLength;
      this.pending.shift();
    }
    const doc = this.doc;
    this.inFlight = true;
    this.lastSentAt = Date.now();
    const update = Y.mergeUpdates(batch);
    try {
      await this.session.call.request({ whiteboardUpdate: { update } });
      this.retryMs = 0;
    } catch (err) {
      if (doc === this.doc && notStoredYet(err)) {
        // Kept first, so what was drawn since still builds on it.
        this.pending.unshift(update);
        this.retryMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_FIRST_MS, this.retryMs * 2));
      } else if (doc === this.doc) {
        this.listeners?.refused(err);
        await this.resync().catch(() => undefined);
      }
    } finally {
      this.inFlight = false;
    }
    this.schedule();
  }
}

export { pb };
