// One board's Yjs document on the server, and the check every update from a
// client passes before it is applied: it decodes, it builds on what the
// server has (no gaps, which Yjs would keep pending forever), it touches only
// the top-level maps the sender may change (common/whiteboard/model.ts) with
// plain JSON values, every chunk of ink is well formed and belongs to an
// element on the board (or in the same update), and the board stays within
// its element, page and byte limits. An update that fails changes nothing.
import * as Y from 'yjs';
import { inkChunkProblem, parseInkKey } from '../common/whiteboard/ink.js';
import {
  type ElementEntry,
  type FileEntry,
  INK_MAX_CHUNKS,
  type InkChunk,
  ROOT,
} from '../common/whiteboard/model.js';
import { ErrorCode, SignalingError, invalid } from '../signaling/errors.js';

export interface DocLimits {
  maxBoardBytes: number;
  maxElements: number;
  maxPages: number;
}

type Struct = Y.Item | Y.GC | Y.Skip;
interface DeleteSet {
  clients: Map<number, { clock: number; len: number }[]>;
}
interface Place {
  root: string;
  key: string | null;
}

export function boardFull(message: string): SignalingError {
  return new SignalingError(ErrorCode.ERROR_CODE_WHITEBOARD_FULL, message);
}

function noRights(root: string): SignalingError {
  return new SignalingError(
    ErrorCode.ERROR_CODE_WHITEBOARD_NO_RIGHTS,
    `you may not change "${root}" on this board`,
  );
}

export class BoardDoc {
  readonly doc = new Y.Doc({ gc: true });
  readonly elements = this.doc.getMap<ElementEntry>(ROOT.elements);
  readonly pages = this.doc.getMap<unknown>(ROOT.pages);
  readonly files = this.doc.getMap<FileEntry>(ROOT.files);
  readonly ink = this.doc.getMap<InkChunk>(ROOT.ink);
  /** Encoded size when last measured, plus what was applied since (an upper bound). */
  private measuredBytes = 0;
  private appliedSince = 0;

  constructor(private readonly limits: DocLimits) {}

  /** The document's encoded size now (measured, so it is exact). */
  get bytes(): number {
    this.measure();
    return this.measuredBytes;
  }

  /** Loads stored state (trusted: it was checked when it came in). */
  load(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update);
    this.appliedSince += update.byteLength;
  }

  /** Checks an update from a client and applies it; throws a SignalingError and changes nothing if it fails. */
  applyFromClient(update: Uint8Array, allowedRoots: ReadonlySet<string>): void {
    let decoded: { structs: Struct[]; ds: DeleteSet };
    try {
      decoded = Y.decodeUpdate(update) as { structs: Struct[]; ds: DeleteSet };
    } catch {
      throw invalid('not a Yjs update');
    }
    const { structs } = decoded;
    this.checkContinuity(structs);
    this.checkDeletions(decoded.ds, allowedRoots);
    const items = structs.filter((s): s is Y.Item => s instanceof Y.Item);
    const places = this.placesOf(items);
    const newElements = new Set<string>();
    const newPages = new Set<string>();
    const setElements = new Set<string>();
    const ink: { key: string; values: unknown[] }[] = [];
    for (const [i, item] of items.entries()) {
      const place = places[i];
      if (!place) throw invalid('update changes something that is not part of a board');
      if (!allowedRoots.has(place.root)) throw noRights(place.root);
      const content = item.content;
      if (!(content instanceof Y.ContentAny) && !(content instanceof Y.ContentDeleted)) {
        throw invalid('board values are plain JSON');
      }
      if (place.key === null) throw invalid('board values live under a key');
      if (content instanceof Y.ContentDeleted) continue;
      if (place.root === ROOT.elements) {
        setElements.add(place.key);
        if (!this.elements.has(place.key)) newElements.add(place.key);
      }
      if (place.root === ROOT.pages && !this.pages.has(place.key)) newPages.add(place.key);
      if (place.root === ROOT.ink) ink.push({ key: place.key, values: content.arr });
    }
    for (const { key, values } of ink) {
      const at = parseInkKey(key);
      if (!at) throw invalid('ink is keyed <element id>:<chunk number>');
      if (at.n >= INK_MAX_CHUNKS) throw boardFull(`a stroke has at most ${INK_MAX_CHUNKS} chunks of ink`);
      if (!this.elements.has(at.elementId) && !setElements.has(at.elementId)) {
        throw invalid('ink for an element that is not on the board');
      }
      for (const value of values) {
        const problem = inkChunkProblem(value);
        if (problem) throw invalid(problem);
      }
    }
    if (this.elements.size + newElements.size > this.limits.maxElements) {
      throw boardFull(`a board holds at most ${this.limits.maxElements} elements`);
    }
    if (this.pages.size + newPages.size > this.limits.maxPages) {
      throw boardFull(`a board has at most ${this.limits.maxPages} pages`);
    }
    // Deleting must stay possible on a full board: only what adds content counts.
    if (
      items.length > 0 &&
      this.measuredBytes + this.appliedSince + update.byteLength > this.limits.maxBoardBytes
    ) {
      this.measure();
      if (this.measuredBytes + update.byteLength > this.limits.maxBoardBytes) {
        throw boardFull(`a board holds at most ${this.limits.maxBoardBytes} bytes`);
      }
    }
    Y.applyUpdate(this.doc, update);
    this.appliedSince += update.byteLength;
    // Checked above; if anything still waits for a missing dependency, drop it rather than keep it forever.
    if (this.doc.store.pendingStructs || this.doc.store.pendingDs) {
      this.doc.store.pendingStructs = null;
      this.doc.store.pendingDs = null;
    }
  }

  /** Runs a change of the server's own (e.g. a picture became available) and returns its update. */
  change(run: () => void): Uint8Array {
    const before = Y.encodeStateVector(this.doc);
    this.doc.transact(run);
    const update = Y.encodeStateAsUpdate(this.doc, before);
    this.appliedSince += update.byteLength;
    return update;
  }

  /** Everything a client with this state vector lacks (the whole board for an empty one). */
  diff(stateVector: Uint8Array | null): Uint8Array {
    if (!stateVector || stateVector.byteLength === 0) return Y.encodeStateAsUpdate(this.doc);
    try {
      Y.decodeStateVector(stateVector);
    } catch {
      throw invalid('not a Yjs state vector');
    }
    return Y.encodeStateAsUpdate(this.doc, stateVector);
  }

  snapshot(): Uint8Array {
    const update = Y.encodeStateAsUpdate(this.doc);
    this.measuredBytes = update.byteLength;
    this.appliedSince = 0;
    return update;
  }

  destroy(): void {
    this.doc.destroy();
  }

  private measure(): void {
    if (this.appliedSince === 0) return;
    this.snapshot();
  }

  /**
   * Every client's first clock in the update must be one the server already
   * reached, and every range the update skips must be one the server has:
   * otherwise the update builds on changes the server never accepted.
   */
  private checkContinuity(structs: Struct[]): void {
    const first = new Map<number, number>();
    for (const s of structs) {
      const { client, clock } = s.id;
      if (!first.has(client)) first.set(client, clock);
      if (s instanceof Y.Skip && Y.getState(this.doc.store, client) < clock + s.length) {
        throw invalid('update has gaps; sync the board again');
      }
    }
    for (const [client, clock] of first) {
      if (Y.getState(this.doc.store, client) < clock) {
        throw invalid('update builds on changes the server does not have; sync the board again');
      }
    }
  }

  /** What an update deletes of the server's document must lie in maps the sender may change too. */
  private checkDeletions(ds: DeleteSet, allowedRoots: ReadonlySet<string>): void {
    for (const [client, ranges] of ds.clients) {
      const structs = this.doc.store.clients.get(client);
      if (!structs) continue; // only the update's own items, checked as items
      const known = Y.getState(this.doc.store, client);
      for (const { clock, len } of ranges) {
        const end = Math.min(clock + len, known);
        if (clock >= end) continue;
        for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
          const struct = structs[i]!;
          if (struct.id.clock >= end) break;
          if (!(struct instanceof Y.Item) || struct.deleted) continue;
          const parent = struct.parent;
          const root =
            parent instanceof Y.AbstractType && parent._item === null ? Y.findRootTypeKey(parent) : '';
          if (!allowedRoots.has(root)) throw noRights(root);
        }
      }
    }
  }

  /** Where each item goes: its top-level map and key, or null for anything else (nested types, unknown parents). */
  private placesOf(items: Y.Item[]): (Place | null)[] {
    const byClient = new Map<number, Y.Item[]>();
    for (const item of items) {
      let list = byClient.get(item.id.client);
      if (!list) {
        list = [];
        byClient.set(item.id.client, list);
      }
      list.push(item);
    }
    const memo = new Map<Y.Item, Place | null>();
    const inUpdate = (id: Y.ID): Y.Item | undefined =>
      byClient.get(id.client)?.find((it) => id.clock >= it.id.clock && id.clock < it.id.clock + it.length);
    const resolve = (item: Y.Item, depth: number): Place | null => {
      const known = memo.get(item);
      if (known !== undefined) return known;
      let place: Place | null = null;
      const ref = item.origin ?? item.rightOrigin;
      if (!ref) {
        place = typeof item.parent === 'string' ? { root: item.parent, key: item.parentSub } : null;
      } else {
        const local = inUpdate(ref);
        if (local && local !== item && depth < items.length) place = resolve(local, depth + 1);
        else if (!local) place = this.placeInDoc(ref);
      }
      memo.set(item, place);
      return place;
    };
    return items.map((item) => resolve(item, 0));
  }

  /** The top-level map and key of an item the server already has. */
  private placeInDoc(id: Y.ID): Place | null {
    if (Y.getState(this.doc.store, id.client) <= id.clock) return null;
    let struct: Y.Item | Y.GC;
    try {
      struct = Y.getItem(this.doc.store, id) as Y.Item | Y.GC;
    } catch {
      return null;
    }
    if (!(struct instanceof Y.Item)) return null;
    const parent = struct.parent;
    if (!(parent instanceof Y.AbstractType) || parent._item !== null) return null;
    return { root: Y.findRootTypeKey(parent), key: struct.parentSub };
  }
}
