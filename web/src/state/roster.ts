// Who is in the call, as the interface sees it: this person (role, blocks,
// hand), the others this browser knows of, the count, the room's settings
// and where this person is (the main room or a breakout room). Large rooms
// send only changes; the people panel reads pages of the full list.
import { batch, signal } from '@preact/signals';
import type { CallLink } from '../call/callClient.js';
import { pb } from '../protocol/wire.js';
import type { CallContext } from './callContext.js';

export function isModeratorRole(role: pb.Role | null | undefined): boolean {
  return role === pb.Role.ROLE_HOST || role === pb.Role.ROLE_CO_HOST;
}

export class Roster {
  readonly roomTitle = signal('');
  readonly self = signal<pb.IParticipant | null>(null);
  readonly participants = signal<ReadonlyMap<string, pb.IParticipant>>(new Map());
  readonly participantCount = signal(0);
  readonly settings = signal<pb.IRoomSettings>({});
  /** '' in the main room, else the breakout room's id. */
  readonly location = signal('');
  /** Bumped when the roster may have changed, so the people list re-reads its page. */
  readonly rosterVersion = signal(0);
  private readonly call: CallLink;

  constructor(private readonly ctx: CallContext) {
    const call = ctx.call;
    this.call = call;
    call.onJoinAnswer((join) => this.answered(join));
    call.on('presenceChanged', (e) => this.presence(e));
    call.on('participantUpdated', (e) => e.participant && this.selfUpdated(e.participant));
    call.on('roomSettingsChanged', (e) => {
      if (e.settings) this.settings.value = { ...e.settings };
    });
    call.on('resync', (e) => this.resync(e));
    call.on('moved', (e) => this.moved(e));
  }

  get isModerator(): boolean {
    return isModeratorRole(this.self.value?.role);
  }

  get isHost(): boolean {
    return this.self.value?.role === pb.Role.ROLE_HOST;
  }

  /** Records and broadcasts: the host, and co-hosts while the host allows it (the server's roles.ts mayRecord). */
  get mayRecord(): boolean {
    const role = this.self.value?.role;
    return (
      role === pb.Role.ROLE_HOST ||
      (role === pb.Role.ROLE_CO_HOST && Boolean(this.settings.value.coHostsMayRecord))
    );
  }

  /** A page of the full list (the people panel). */
  async page(query: pb.IListParticipantsRequest): Promise<pb.IParticipantPage> {
    return (await this.call.request({ listParticipants: query })).participantPage ?? {};
  }

  private answered(join: pb.IJoinResponse): void {
    batch(() => {
      this.self.value = join.self ?? this.self.value;
      this.settings.value = join.settings ?? this.settings.value;
      if (join.roomTitle) this.roomTitle.value = join.roomTitle;
      if (join.waiting) return;
      this.location.value = this.self.value?.location ?? '';
      this.participantCount.value = join.participantCount ?? 0;
      const next = new Map(this.participants.value);
      for (const p of join.participants ?? []) if (p.participantId) next.set(p.participantId, p);
      this.participants.value = next;
    });
  }

  private presence(change: pb.IPresenceChanged): void {
    const selfId = this.self.value?.participantId;
    const next = new Map(this.participants.value);
    for (const p of change.joined ?? [])
      if (p.participantId && p.participantId !== selfId) next.set(p.participantId, p);
    for (const id of change.left ?? []) next.delete(id);
    for (const p of change.updated ?? []) {
      if (p.participantId && p.participantId !== selfId) next.set(p.participantId, p);
    }
    batch(() => {
      this.participants.value = next;
      this.participantCount.value = change.participantCount ?? this.participantCount.value;
      this.rosterVersion.value++;
    });
  }

  /** The server tells us about ourselves (role, blocks, hand, asking to speak). */
  private selfUpdated(next: pb.IParticipant): void {
    const before = this.self.value;
    this.self.value = next;
    const wasModerator = isModeratorRole(before?.role);
    if (!wasModerator && next.role === pb.Role.ROLE_CO_HOST) this.ctx.toast('status.becameCoHost');
    if (wasModerator && next.role === pb.Role.ROLE_PARTICIPANT) this.ctx.toast('status.noLongerCoHost');
    this.rosterVersion.value++;
  }

  /** We fell behind and missed events: take the server's state as it is now. */
  private resync(state: pb.IResync): void {
    if (state.self) this.selfUpdated(state.self);
    batch(() => {
      if (state.settings) this.settings.value = { ...state.settings };
      this.participants.value = new Map(
        (state.participants ?? []).flatMap((p) => (p.participantId ? [[p.participantId, p] as const] : [])),
      );
      this.participantCount.value = state.participantCount ?? this.participantCount.value;
      this.rosterVersion.value++;
    });
  }

  private moved(moved: pb.IMoved): void {
    const location = moved.location ?? '';
    batch(() => {
      this.location.value = location;
      this.rosterVersion.value++;
    });
    if (moved.mediaRestart) this.ctx.toast('status.mediaRestart', {}, 'info', undefined, 'move');
    else if (location) {
      this.ctx.toast('status.movedTo', { name: moved.locationName ?? '' }, 'info', undefined, 'move');
    } else this.ctx.toast('status.movedMain', {}, 'info', undefined, 'move');
  }
}
