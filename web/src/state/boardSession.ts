// The whiteboard as the call page knows it before the drawing component
// loads: the board's state where this person is (open, who may draw), the
// requests hosts make, and the board's events kept until the lazily loaded
// part (Yjs, Excalidraw) takes them. Nothing here is large: the page's first
// bundle does not grow with the drawing component.
import { type ReadonlySignal, computed, signal } from '@preact/signals';
import type { CallLink } from '../call/callClient.js';
import type { CallMedia } from '../call/media/callMedia.js';
import type { Key, Params } from '../i18n/index.js';
import { pb } from '../protocol/wire.js';

/** What the lazily loaded part does with the board's events. */
export interface BoardSink {
  event(e: pb.Event): void;
}

function isModerator(role: pb.Role | null | undefined): boolean {
  return role === pb.Role.ROLE_HOST || role === pb.Role.ROLE_CO_HOST;
}

export interface PageInfo {
  id: string;
  name: string;
}

export class BoardSession {
  readonly state = signal<pb.IWhiteboardState>({ open: false, location: '' });
  /** Filled in by the loaded part: the board's pages and the one shown. */
  readonly pages = signal<PageInfo[]>([]);
  readonly page = signal('');
  /** A board was open here during this call (a host then has boards to download afterwards). */
  readonly used = signal(false);
  /** This person may draw on the board where they are (the server checks again). */
  readonly mayDraw: ReadonlySignal<boolean>;
  /** This person is a host or co-host: opens the board, decides who draws, turns pages. */
  readonly isModerator: ReadonlySignal<boolean>;
  private sink: BoardSink | null = null;
  private kept: pb.Event[] = [];

  constructor(
    readonly call: CallLink,
    /** The host who opens a board sends it as video too (for recordings and broadcasts). */
    readonly media: Pick<CallMedia, 'publish' | 'unpublish'>,
    readonly self: ReadonlySignal<pb.IParticipant | null>,
    /** Tells the person something about the board (called to it, sent back). */
    readonly notify: (key: Key, params?: Params) => void = () => {},
  ) {
    this.isModerator = computed(() => isModerator(self.value?.role));
    this.mayDraw = computed(() => {
      const s = this.state.value;
      if (!s.open) return false;
      if (this.isModerator.value) return true;
      if (s.access === pb.WhiteboardAccess.WHITEBOARD_ACCESS_EVERYONE) return true;
      return (
        s.access === pb.WhiteboardAccess.WHITEBOARD_ACCESS_NAMED &&
        (s.named ?? []).includes(self.value?.participantId ?? '')
      );
    });
    // The board needs no media: its events, and a resync (its updates may have been dropped too), come at once.
    for (const type of ['whiteboardState', 'whiteboardUpdate', 'whiteboardPointer'] as const) {
      call.on(type, (_, e) => this.onEvent(e));
    }
    call.on('resync', (_, e) => this.onEvent(e), 'direct');
  }

  /** The loaded part takes over the board's events, starting with those kept for it. */
  attach(sink: BoardSink): void {
    this.sink = sink;
    const kept = this.kept;
    this.kept = [];
    for (const e of kept) sink.event(e);
  }

  open(open: boolean) {
    return this.call.request({ openWhiteboard: { open } });
  }

  setAccess(change: pb.ISetWhiteboardAccessRequest) {
    return this.call.request({ setWhiteboardAccess: change });
  }

  private onEvent(e: pb.Event): void {
    if (e.whiteboardState) this.setState(e.whiteboardState);
    if (this.sink) {
      this.sink.event(e);
      return;
    }
    // Until the drawing part loads, keep what it needs: the board's content.
    const u = e.whiteboardUpdate;
    if (u) {
      if (u.full) this.kept = [];
      this.kept.push(e);
    } else if (e.whiteboardState && e.whiteboardState.location !== this.keptLocation()) {
      this.kept = [e];
    } else if (e.resync) {
      // Updates may have been dropped; the loaded part will sync from scratch.
      this.kept.push(e);
    }
  }

  /** A new state; a pupil hears when they are called to the board or sent back. */
  setState(next: pb.IWhiteboardState): void {
    const before = this.mayDraw.value;
    const wasOpen = Boolean(this.state.value.open);
    this.state.value = next;
    if (next.open) this.used.value = true;
    if (this.isModerator.value || !wasOpen || !next.open) return;
    if (!before && this.mayDraw.value) this.notify('wb.calledToast');
    if (before && !this.mayDraw.value) this.notify('wb.dismissedToast');
  }

  private keptLocation(): string | null {
    for (const e of this.kept) {
      const l = e.whiteboardUpdate?.location ?? e.whiteboardState?.location;
      if (l !== undefined && l !== null) return l;
    }
    return null;
  }
}
