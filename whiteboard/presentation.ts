// Documents presented in a call (presentation.proto): a host or co-host shows
// pictures already on the board of their place (the pages their browser
// rendered and uploaded) and turns them; everyone at the place is told. Kept
// with the board's meta, so a late joiner and a host that takes the room over
// show the same page. Every refusal happens before anything changes.
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { requireModerator } from '../signaling/controls/guards.js';
import type { JoinedPeer } from '../signaling/domain/room.js';
import { ErrorCode, SignalingError, invalid } from '../signaling/errors.js';
import type { Board } from './board.js';
import type { RoomBoards } from './roomBoards.js';

import pb = schoolcall.v1;

/** As many pages as a worksheet takes onto the board (web/src/whiteboard/lazy/background.ts). */
export const MAX_PRESENTED_PAGES = 20;
const MAX_TITLE = 200;

function nothingShown(): SignalingError {
  return new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no document is presented here');
}

export class PresentationRequests {
  constructor(private readonly boardsOf: (joined: JoinedPeer) => RoomBoards) {}

  async present(joined: JoinedPeer, req: pb.IPresentDocumentRequest): Promise<void> {
    const { peer } = joined;
    requireModerator(peer);
    const title = (req.title ?? '').trim();
    if (title.length > MAX_TITLE) throw invalid(`a title has at most ${MAX_TITLE} characters`);
    const pages = req.pages ?? [];
    if (pages.length === 0) throw invalid('a document has at least one page');
    if (pages.length > MAX_PRESENTED_PAGES) throw invalid(`at most ${MAX_PRESENTED_PAGES} pages`);
    const boards = await this.ready(joined);
    const board = boards.get(peer.location);
    // Only pictures the board (and so its store) has: everyone can fetch them.
    for (const id of pages) {
      if (!board?.files.files.has(id)) {
        throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, `page ${id} is not uploaded here`);
      }
    }
    if (!board) return;
    board.presentation = { title, pages: [...pages], page: 1, by: peer.id };
    this.changed(boards, board);
  }

  async turn(joined: JoinedPeer, req: pb.ITurnDocumentPageRequest): Promise<void> {
    const { peer, room } = joined;
    requireModerator(peer);
    const boards = await this.ready(joined);
    const board = boards.get(peer.location);
    const shown = board?.presentation;
    if (!board || !shown) throw nothingShown();
    const page = req.page ?? 0;
    if (page < 1 || page > shown.pages.length) throw invalid(`pages are 1 to ${shown.pages.length}`);
    shown.page = page;
    // The presenter left: whoever turns the page now sends it as video.
    const presenter = room.peers.get(shown.by);
    if (!presenter || !room.isPresent(presenter) || presenter.location !== peer.location) shown.by = peer.id;
    this.changed(boards, board);
  }

  async stop(joined: JoinedPeer): Promise<void> {
    requireModerator(joined.peer);
    const boards = await this.ready(joined);
    const board = boards.get(joined.peer.location);
    if (!board?.presentation) return;
    board.presentation = null;
    this.changed(boards, board);
  }

  private changed(boards: RoomBoards, board: Board): void {
    boards.saveMeta(board);
    boards.publishPresentation(board);
  }

  private async ready(joined: JoinedPeer): Promise<RoomBoards> {
    const boards = this.boardsOf(joined);
    await boards.ready();
    return boards;
  }
}
