// Keeps each call's state (domain/callState.ts) in the deployment's store
// while the call runs here, and puts it back when this host takes a room
// over, so that bans, admissions, roles, hands, blocks and breakout rooms
// survive the death of the room's home host. Saves are coalesced: a burst of
// raised hands in a big lesson is one write.
import type { Logger } from '../../common/log.js';
import { type CallStateStore, type PersonalState, restoreCall, snapshotCall } from '../domain/callState.js';
import type { Peer } from '../domain/peer.js';
import type { Room } from '../domain/room.js';

const SAVE_DELAY_MS = 200;
/** After a failed save (the store unreachable), the next try; changes meanwhile ride along. */
const RETRY_DELAY_MS = 2000;

export class CallStateKeeper {
  /** Per room: what people had before a takeover, given back as each rejoins. */
  private readonly notBack = new Map<string, Map<string, PersonalState>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly saving = new Map<string, Promise<void>>();

  constructor(
    private readonly store: CallStateStore,
    private readonly log: Logger,
    private readonly delayMs = SAVE_DELAY_MS,
  ) {}

  attach(room: Room): void {
    const changed = () => this.scheduleSave(room);
    room.events.on('participantJoined', ({ peer, admitted }) => {
      this.giveBack(room, peer);
      if (admitted) changed();
    });
    room.events.on('userBanned', changed);
    room.events.on('roleChanged', changed);
    room.events.on('participantUpdated', changed);
    room.events.on('breakoutsChanged', changed);
    room.events.on('callEnded', ({ handedOver }) => {
      this.cancel(room.id);
      this.notBack.delete(room.id);
      // Handed over: the host carrying the call on keeps it.
      if (!handedOver) {
        this.store
          .deleteCallState(room.id)
          .catch((err) => this.log.warn({ room: room.id, err }, 'cannot forget call state'));
      }
    });
  }

  /** This host is about to run a room nobody is in here: carry on its call, if one was saved. */
  async restoreIfIdle(room: Room): Promise<void> {
    if (room.peers.size > 0 || room.waiting.size > 0) return;
    const saved = await this.store.loadCallState(room.id);
    if (!saved || saved.instance !== room.definition.instance) return;
    if (room.peers.size > 0 || room.waiting.size > 0) return;
    this.notBack.set(room.id, restoreCall(room, saved));
    room.callStateRestored();
    this.log.info(
      { room: room.id, banned: saved.banned.length, admitted: saved.admitted.length },
      'call state restored',
    );
  }

  /** Saves every pending change now (at shutdown, before handing rooms over). */
  async flush(rooms: Iterable<Room>): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const room of rooms) {
      if (!this.timers.has(room.id)) continue;
      this.cancel(room.id);
      writes.push(this.save(room));
    }
    await Promise.all(writes);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private giveBack(room: Room, peer: Peer): void {
    const left = this.notBack.get(room.id);
    const state = left?.get(peer.identity.userId);
    if (!left || !state) return;
    left.delete(peer.identity.userId);
    peer.handRaisedAt = state.handRaisedAt;
    peer.blocked.microphone = state.microphoneBlocked;
    peer.blocked.camera = state.cameraBlocked;
    peer.asksToSpeak = state.asksToSpeak;
    room.peerUpdated(peer);
  }

  private scheduleSave(room: Room, delayMs = this.delayMs): void {
    if (this.timers.has(room.id)) return;
    const timer = setTimeout(() => {
      this.timers.delete(room.id);
      void this.save(room);
    }, delayMs);
    timer.unref();
    this.timers.set(room.id, timer);
  }

  /** One write at a time per room, each with the state as it is when it starts. */
  private save(room: Room): Promise<void> {
    const previous = this.saving.get(room.id) ?? Promise.resolve();
    const next = previous
      .then(() =>
        this.store.saveCallState(room.id, snapshotCall(room, this.notBack.get(room.id) ?? new Map())),
      )
      .catch((err) => {
        this.log.warn({ room: room.id, err }, 'cannot save call state; retrying');
        this.scheduleSave(room, RETRY_DELAY_MS);
      })
      .finally(() => {
        if (this.saving.get(room.id) === next) this.saving.delete(room.id);
      });
    this.saving.set(room.id, next);
    return next;
  }

  private cancel(roomId: string): void {
    const t = this.timers.get(roomId);
    if (t) clearTimeout(t);
    this.timers.delete(roomId);
  }
}
