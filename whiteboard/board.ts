// One board at one place in a room (the main room or a breakout room): its
// document and pictures, whether it is open, and who may draw on it. Hosts
// and co-hosts always may; pupils when the board is open to everyone, or
// when a host called them to it by name (kept by user id, so a pupil who
// reconnects stays at the board until a host sends them back).
import { DRAWER_ROOTS, HOST_ROOTS } from '../common/whiteboard/model.js';
import type { Peer } from '../signaling/domain/peer.js';
import { isModerator } from '../signaling/domain/roles.js';
import type { RoomLocation } from '../signaling/domain/roomDefinition.js';
import { BoardDoc } from './boardDoc.js';
import { BoardFiles } from './boardFiles.js';
import type { WhiteboardConfig } from './config.js';

export type Access = 'hosts' | 'named' | 'everyone';

/** A document a host presents at this place (presentation.proto): pictures on this board, one shown. */
export interface Presentation {
  title: string;
  /** Ids of pictures in `files`, in page order. */
  pages: string[];
  /** 1-based. */
  page: number;
  /** Participant id of the host who presents it. */
  by: string;
}

/** What is kept of a board apart from its content. */
export interface BoardMeta {
  open: boolean;
  access: Access;
  /** User ids called to the board. */
  named: string[];
  /** Participant id of the host who opened it last. */
  openedBy: string;
  /** Absent in what older releases saved. */
  presentation?: Presentation | null;
}

export class Board {
  open = false;
  access: Access = 'hosts';
  readonly named = new Set<string>();
  openedBy = '';
  presentation: Presentation | null = null;
  readonly doc: BoardDoc;
  readonly files: BoardFiles;

  constructor(
    readonly location: RoomLocation,
    /** The breakout room's name ('' for the main room), kept for the saved lesson. */
    readonly name: string,
    config: WhiteboardConfig,
  ) {
    this.doc = new BoardDoc(config);
    this.files = new BoardFiles(config);
  }

  mayDraw(peer: Peer): boolean {
    if (isModerator(peer.identity.role)) return true;
    if (this.access === 'everyone') return true;
    return this.access === 'named' && this.named.has(peer.identity.userId);
  }

  /** The parts of the document this peer may change. */
  rootsFor(peer: Peer): ReadonlySet<string> {
    return isModerator(peer.identity.role) ? HOST_ROOTS : DRAWER_ROOTS;
  }

  get meta(): BoardMeta {
    return {
      open: this.open,
      access: this.access,
      named: [...this.named],
      openedBy: this.openedBy,
      presentation: this.presentation,
    };
  }

  restoreMeta(meta: BoardMeta): void {
    this.open = meta.open;
    this.access = meta.access;
    this.openedBy = meta.openedBy;
    this.presentation = meta.presentation ?? null;
    this.named.clear();
    for (const id of meta.named) this.named.add(id);
  }

  /** Whether there is anything on it worth keeping after the lesson. */
  get hasContent(): boolean {
    return this.doc.elements.size > 0 || this.files.files.size > 0;
  }

  destroy(): void {
    this.doc.destroy();
  }
}
