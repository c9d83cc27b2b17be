// The boards of one room, one per place (the main room, each breakout room),
// and how they follow the room: a newcomer or someone moving between places
// joins that place's board topic and gets its state and whole content at
// once; a breakout round that closes keeps its boards for the lesson's end;
// the end of a lesson saves every board for download and starts afresh.
// Boards are loaded from the store on first use, so a restarted server goes
// on with the boards it had. Updates to a place go out at once when it was
// quiet; while people draw, those of the next window (relayWindowMs, 40 ms)
// go out as one merged update (a class of 30 drawing sends each watcher 25
// frames a second, not hundreds). From 200 people at a place the window
// grows, to relayWindowMaxMs (100 ms) at 1000: fewer, larger frames for each
// of many watchers (measured: loadtest/RESULTS.md, 30 drawing and 2000
// watching).
import * as Y from 'yjs';
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { Peer } from '../signaling/domain/peer.js';
import type { Room } from '../signaling/domain/room.js';
import { MAIN, type RoomLocation } from '../signaling/domain/roomDefinition.js';
import { ErrorCode, SignalingError } from '../signaling/errors.js';
import type { RoomFanout } from '../signaling/fanout/topics.js';
import { STORE_UNAVAILABLE_MESSAGE } from '../signaling/storeErrors.js';
import { encodeEvent } from '../signaling/wire/frames.js';
import { Board } from './board.js';
import type { BoardFile } from './boardFiles.js';
import type { BoardStore } from './boardStore.js';
import type { WhiteboardConfig } from './config.js';
import { boardTopic, presentationToWire, stateToWire } from './wire.js';

import pb = schoolcall.v1;

/** Stored updates are folded into a snapshot after this many, or this many bytes. */
const COMPACT_AFTER_UPDATES = 500;
const COMPACT_AFTER_BYTES = 1024 * 1024;
/** The relay window grows from its base at this many people at a place to its maximum at GROW_TO. */
const GROW_FROM = 200;
const GROW_TO = 1000;

interface Outbox {
  updates: Uint8Array[];
  /** The one sender of everything queued, or null when several (they get their own back: harmless to Yjs). */
  from: Peer | null;
  timer: ReturnType<typeof setTimeout> | null;
}

export interface RoomBoardsDeps {
  config: WhiteboardConfig;
  store: BoardStore;
  out: RoomFanout;
  log: Logger;
  /** True while the server shuts down: calls end then, lessons do not. */
  shuttingDown(): boolean;
  onBoardsChanged(delta: number): void;
}

export class RoomBoards {
  private readonly boards = new Map<RoomLocation, Board>();
  private readonly sinceCompact = new Map<Board, { updates: number; bytes: number }>();
  private loading: Promise<void> | null = null;
  private readonly outboxes = new Map<RoomLocation, Outbox>();

  constructor(
    readonly room: Room,
    private readonly deps: RoomBoardsDeps,
  ) {}

  /** Resolves once the room's stored boards are loaded (the first call starts it). */
  ready(): Promise<void> {
    if (!this.loading) {
      this.loading = this.load().catch((err) => {
        this.deps.log.error({ room: this.room.id, err }, 'cannot load whiteboards; starting empty');
      });
    }
    return this.loading;
  }

  get(location: RoomLocation): Board | undefined {
    return this.boards.get(location);
  }

  /** The board at a place, made on first use. */
  ensure(location: RoomLocation): Board {
    let board = this.boards.get(location);
    if (!board) {
      board = new Board(location, this.locationName(location), this.deps.config);
      this.boards.set(location, board);
      this.deps.onBoardsChanged(1);
    }
    return board;
  }

  attach(): void {
    const { events } = this.room;
    events.on('participantJoined', ({ peer }) => {
      peer.channel.subscribe(boardTopic(this.room.id, peer.location));
      void this.ready().then(() => this.greet(peer));
      // A pupil called to the board came back: show them at it again.
      const board = this.boards.get(peer.location);
      if (board?.named.has(peer.identity.userId)) this.publishState(board);
    });
    events.on('participantMoved', ({ peer, from, to }) => {
      peer.channel.unsubscribe(boardTopic(this.room.id, from));
      peer.channel.subscribe(boardTopic(this.room.id, to));
      void this.ready().then(() => this.greet(peer));
    });
    events.on('participantLeft', ({ peer, location }) => {
      peer.channel.unsubscribe(boardTopic(this.room.id, location));
      this.boards.get(location)?.files.forget(peer.id);
    });
    events.on('breakoutsChanged', () => {
      if (!this.room.breakouts.open) this.archiveBreakoutBoards();
    });
    events.on('callEnded', ({ handedOver }) => {
      // Another host carries the lesson on from the store: only this host's copy goes.
      if (handedOver) this.forget();
      else if (!this.deps.shuttingDown()) void this.finishLesson();
    });
  }

  /** Tells everyone at the board's place its state. */
  publishState(board: Board): void {
    this.deps.out.publishTopic(
      boardTopic(this.room.id, board.location),
      encodeEvent({ whiteboardState: stateToWire(this.room, board.location, board) }),
    );
  }

  /** Tells everyone at the board's place what is presented there. */
  publishPresentation(board: Board): void {
    this.deps.out.publishTopic(
      boardTopic(this.room.id, board.location),
      encodeEvent({ presentedDocument: presentationToWire(board.location, board) }),
    );
  }

  /** Sends an event to everyone at a place but `from` (to everyone if it cannot skip itself). */
  relay(location: RoomLocation, from: Peer | null, event: pb.IEvent): void {
    const topic = boardTopic(this.room.id, location);
    const bytes = encodeEvent(event);
    if (!from?.channel.publishExceptSelf(topic, bytes)) this.deps.out.publishTopic(topic, bytes);
  }

  /** Sends a board update to everyone at its place: at once, or merged with the others of this window. */
  relayUpdate(location: RoomLocation, from: Peer | null, update: Uint8Array): void {
    let box = this.outboxes.get(location);
    if (!box) {
      box = { updates: [], from: null, timer: null };
      this.outboxes.set(location, box);
    }
    if (!box.timer) {
      this.relay(location, from, { whiteboardUpdate: { update, location } });
      box.timer = setTimeout(() => this.flush(location), this.windowAt(location));
      return;
    }
    box.from = box.updates.length === 0 || box.from === from ? from : null;
    box.updates.push(update);
  }

  private flush(location: RoomLocation): void {
    const box = this.outboxes.get(location);
    if (!box) return;
    box.timer = null;
    if (box.updates.length === 0) {
      this.outboxes.delete(location);
      return;
    }
    const update = box.updates.length === 1 ? box.updates[0]! : Y.mergeUpdates(box.updates);
    const from = box.from;
    box.updates = [];
    box.from = null;
    this.relay(location, from, { whiteboardUpdate: { update, location } });
    box.timer = setTimeout(() => this.flush(location), this.windowAt(location));
  }

  /** The merge window at a place: the base one, longer for many people there if so configured. */
  private windowAt(location: RoomLocation): number {
    const { relayWindowMs: base, relayWindowMaxMs: max } = this.deps.config;
    if (max <= base) return base;
    let people = 0;
    for (const _ of this.room.peersAt(location)) people++;
    const grown = Math.min(1, Math.max(0, (people - GROW_FROM) / (GROW_TO - GROW_FROM)));
    return Math.round(base + (max - base) * grown);
  }

  saveMeta(board: Board): void {
    this.deps.store.saveMeta(this.room.id, board.location, board.meta);
  }

  storeFile(board: Board, fileId: string, file: BoardFile): Promise<void> {
    return this.deps.store.putFile(this.room.id, board.location, fileId, file);
  }

  /** Refuses "try again" while the store is known to be away, before anything changes. */
  requireStore(): void {
    if (!this.deps.store.available()) {
      throw new SignalingError(ErrorCode.ERROR_CODE_UNAVAILABLE, STORE_UNAVAILABLE_MESSAGE);
    }
  }

  /**
   * Records an applied update in the store, folding the log into a snapshot
   * now and then. Resolves once it is stored: the request is acknowledged only
   * then; if it rejects, the sender is told "try again" and sends it again
   * (applying it twice changes nothing).
   */
  async stored(board: Board, update: Uint8Array): Promise<void> {
    const { store } = this.deps;
    await store.appendUpdate(this.room.id, board.location, update);
    const since = this.sinceCompact.get(board) ?? { updates: 0, bytes: 0 };
    since.updates += 1;
    since.bytes += update.byteLength;
    this.sinceCompact.set(board, since);
    if (since.updates >= COMPACT_AFTER_UPDATES || since.bytes >= COMPACT_AFTER_BYTES) {
      store.compact(this.room.id, board.location, board.doc.snapshot());
      this.sinceCompact.delete(board);
    }
  }

  /** A newcomer to a place: its board's state and whole content, or word that there is none. */
  private greet(peer: Peer): void {
    if (!this.room.isPresent(peer)) return;
    const board = this.boards.get(peer.location);
    peer.channel.send(encodeEvent({ whiteboardState: stateToWire(this.room, peer.location, board) }));
    peer.channel.send(encodeEvent({ presentedDocument: presentationToWire(peer.location, board) }));
    if (board?.hasContent) {
      peer.channel.send(
        encodeEvent({
          whiteboardUpdate: { update: board.doc.diff(null), full: true, location: peer.location },
        }),
      );
    }
  }

  private async load(): Promise<void> {
    const stored = await this.deps.store.loadLive(this.room.id);
    for (const s of stored) {
      if (this.boards.has(s.location)) continue;
      const board = this.ensure(s.location);
      board.restoreMeta(s.meta);
      for (const update of s.updates) board.doc.load(update);
      for (const [id, file] of s.files) board.files.load(id, file);
    }
    if (stored.length)
      this.deps.log.info({ room: this.room.id, boards: stored.length }, 'whiteboards restored');
  }

  private locationName(location: RoomLocation): string {
    return location === MAIN ? '' : (this.room.breakouts.rooms.get(location)?.name ?? location);
  }

  private savedBoard(board: Board): pb.ISavedWhiteboard {
    return {
      location: board.location,
      locationName: board.name,
      update: board.doc.snapshot(),
      files: [...board.files.files].map(([fileId, f]) => ({ fileId, mimeType: f.mimeType, data: f.data })),
    };
  }

  /** A breakout round closed: its boards are kept for the end of the lesson, and the next round starts clean. */
  private archiveBreakoutBoards(): void {
    for (const [location, board] of [...this.boards]) {
      if (location === MAIN) continue;
      if (board.hasContent) {
        this.deps.store.archive(this.room.id, pb.SavedWhiteboard.encode(this.savedBoard(board)).finish());
      }
      this.drop(board);
      this.deps.store.dropBoard(this.room.id, location);
    }
  }

  /** The lesson ended: every board with something on it is saved for download; the next lesson starts empty. */
  private async finishLesson(): Promise<void> {
    await this.ready();
    const { store, config, log } = this.deps;
    const roomId = this.room.id;
    const live = [...this.boards.values()].filter((b) => b.hasContent).map((b) => this.savedBoard(b));
    for (const board of [...this.boards.values()]) this.drop(board);
    this.loading = Promise.resolve();
    store.dropLive(roomId);
    try {
      const archived = (await store.loadArchived(roomId)).map((bytes) => pb.SavedWhiteboard.decode(bytes));
      const boards = [...live, ...archived];
      if (boards.length === 0 || config.savedLessons === 0) return;
      const endedAt = Date.now();
      const id = String(endedAt);
      const lesson = pb.SavedLesson.encode({ roomId, endedAt, boards }).finish();
      const summary = {
        id,
        endedAt,
        boards: boards.map((b) => ({ location: b.location ?? '', name: b.locationName ?? '' })),
      };
      await store.saveLesson(roomId, summary, lesson);
      log.info({ room: roomId, lesson: id, boards: boards.length }, 'lesson whiteboards saved');
    } catch (err) {
      log.error({ room: roomId, err }, 'cannot save the lesson whiteboards');
    }
  }

  /** Lets go of the boards in memory, keeping them in the store; they load again if the room comes back. */
  private forget(): void {
    for (const board of [...this.boards.values()]) this.drop(board);
    this.loading = null;
  }

  private drop(board: Board): void {
    const box = this.outboxes.get(board.location);
    if (box?.timer) clearTimeout(box.timer);
    this.outboxes.delete(board.location);
    this.boards.delete(board.location);
    this.sinceCompact.delete(board);
    board.destroy();
    this.deps.onBoardsChanged(-1);
  }
}
