// What participants ask of the board where they are: hosts open and close
// it and decide who draws; whoever may draw sends Yjs updates and pictures;
// a host's pointer is relayed as a laser; anyone present syncs and fetches
// pictures. Every refusal happens before anything changes.
import { NotAPicture, SNIFF_BYTES, reencodePicture } from '../common/pictures.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { ids, requireModerator } from '../signaling/controls/guards.js';
import type { Peer } from '../signaling/domain/peer.js';
import { isModerator } from '../signaling/domain/roles.js';
import type { JoinedPeer } from '../signaling/domain/room.js';
import { ErrorCode, SignalingError, invalid } from '../signaling/errors.js';
import type { Board } from './board.js';
import { boardFull } from './boardDoc.js';
import type { BoardFile } from './boardFiles.js';
import type { WhiteboardConfig } from './config.js';
import { SenderBuckets } from './rate.js';
import type { RoomBoards } from './roomBoards.js';
import { accessFromWire, stateToWire } from './wire.js';

import pb = schoolcall.v1;

export interface BoardCounters {
  applied(bytes: number): void;
}

const MAX_COORDINATE = 1e7;
const MAX_PAGE_ID = 64;

function closed(): SignalingError {
  return new SignalingError(ErrorCode.ERROR_CODE_WHITEBOARD_CLOSED, 'no board is open here');
}

function rateLimited(message: string): SignalingError {
  return new SignalingError(ErrorCode.ERROR_CODE_RATE_LIMITED, message);
}

/** Pictures on a board fit this square: every browser in the lesson decodes them. */
const BOARD_PICTURE_PX = 4096;

/**
 * What the board keeps of an uploaded picture: its pixels encoded anew
 * (common/pictures.ts), never the bytes as sent (an SVG named PNG, a
 * 256-megapixel PNG). A re-encoding bigger than the limit is tried as JPEG.
 */
async function boardPicture(data: Uint8Array, maxBytes: number): Promise<BoardFile> {
  const head = data.subarray(0, SNIFF_BYTES);
  try {
    let picture = await reencodePicture(data, head, { fit: BOARD_PICTURE_PX, output: 'same' });
    if (picture.data.byteLength > maxBytes && picture.format !== 'jpeg') {
      picture = await reencodePicture(data, head, { fit: BOARD_PICTURE_PX, output: 'jpeg' });
    }
    if (picture.data.byteLength > maxBytes) throw boardFull(`a picture may have at most ${maxBytes} bytes`);
    return { mimeType: picture.mimeType, data: picture.data };
  } catch (err) {
    if (err instanceof NotAPicture) throw invalid(`not a picture the board takes: ${err.message}`);
    throw err;
  }
}

export class WhiteboardRequests {
  private readonly senders = new WeakMap<Peer, SenderBuckets>();

  constructor(
    private readonly boardsOf: (joined: JoinedPeer) => RoomBoards,
    private readonly config: WhiteboardConfig,
    private readonly counters: BoardCounters,
  ) {}

  async open(joined: JoinedPeer, req: pb.IOpenWhiteboardRequest): Promise<void> {
    requireModerator(joined.peer);
    const boards = await this.ready(joined);
    const board = boards.ensure(joined.peer.location);
    board.open = Boolean(req.open);
    if (board.open) board.openedBy = joined.peer.id;
    boards.saveMeta(board);
    boards.publishState(board);
  }

  async setAccess(joined: JoinedPeer, req: pb.ISetWhiteboardAccessRequest): Promise<void> {
    requireModerator(joined.peer);
    let access = req.access === undefined || req.access === null ? null : accessFromWire(req.access);
    if (access === null && req.access !== undefined && req.access !== null) throw invalid('unknown access');
    const grant = ids(req.grant).map((id) => this.presentUser(joined, id));
    const revoke = ids(req.revoke).map((id) => this.presentUser(joined, id));
    const boards = await this.ready(joined);
    const board = boards.ensure(joined.peer.location);
    // "To the board, Petrov" while only hosts draw means: Petrov too.
    if (access === null && grant.length && board.access === 'hosts') access = 'named';
    if (access) board.access = access;
    for (const userId of grant) board.named.add(userId);
    for (const userId of revoke) board.named.delete(userId);
    boards.saveMeta(board);
    boards.publishState(board);
  }

  async update(joined: JoinedPeer, req: pb.IWhiteboardUpdateRequest): Promise<void> {
    const { peer } = joined;
    const boards = await this.ready(joined);
    const board = this.drawable(boards, peer);
    const update = req.update ?? new Uint8Array();
    if (update.byteLength === 0) throw invalid('update is empty');
    if (update.byteLength > this.config.maxUpdateBytes) {
      throw invalid(`an update may have at most ${this.config.maxUpdateBytes} bytes`);
    }
    boards.requireStore();
    const sender = this.sender(peer);
    if (!sender.updates.take()) throw rateLimited('too many board updates; slow down');
    if (!sender.bytes.take(update.byteLength)) throw rateLimited('too much drawing at once; slow down');
    board.doc.applyFromClient(update, board.rootsFor(peer));
    boards.relayUpdate(board.location, peer, update);
    await boards.stored(board, update);
    this.counters.applied(update.byteLength);
  }

  async pointer(joined: JoinedPeer, req: pb.IWhiteboardPointerRequest): Promise<void> {
    const { peer } = joined;
    requireModerator(peer);
    const x = req.x ?? 0;
    const y = req.y ?? 0;
    if (
      !Number.isFinite(x) ||
      !Number.isFinite(y) ||
      Math.abs(x) > MAX_COORDINATE ||
      Math.abs(y) > MAX_COORDINATE
    ) {
      throw invalid('pointer is off the board');
    }
    const page = req.page ?? '';
    if (page.length > MAX_PAGE_ID) throw invalid('bad page');
    const boards = await this.ready(joined);
    const board = boards.get(peer.location);
    if (!board?.open) throw closed();
    if (!this.sender(peer).pointers.take()) throw rateLimited('pointer moves too often');
    boards.relay(board.location, peer, {
      whiteboardPointer: {
        participantId: peer.id,
        displayName: peer.identity.displayName,
        x,
        y,
        laser: Boolean(req.laser),
        gone: Boolean(req.gone),
        pressed: Boolean(req.pressed),
        page,
      },
    });
  }

  async sync(joined: JoinedPeer, req: pb.IWhiteboardSyncRequest): Promise<pb.IResponse> {
    const boards = await this.ready(joined);
    const location = joined.peer.location;
    const board = boards.get(location);
    const update = board ? board.doc.diff(req.stateVector ?? null) : new Uint8Array();
    return { whiteboardSync: { update, state: stateToWire(joined.room, location, board) } };
  }

  async putFile(joined: JoinedPeer, req: pb.IPutWhiteboardFileRequest): Promise<void> {
    const { peer } = joined;
    const boards = await this.ready(joined);
    // A host's pictures may go onto a closed board too: the pages of a document they present.
    const board = isModerator(peer.identity.role)
      ? boards.ensure(peer.location)
      : this.drawable(boards, peer);
    boards.requireStore();
    const done = board.files.put(peer.id, req);
    if (done === null || done === 'exists') return;
    const fileId = done.fileId;
    const file = await boardPicture(done.file.data, this.config.maxFileBytes);
    // Someone else's copy of the same picture may have arrived meanwhile.
    if (board.files.files.has(fileId)) return;
    // Stored before anyone is told of it: a picture the board names is one the store has.
    await boards.storeFile(board, fileId, file);
    board.files.load(fileId, file);
    const update = board.doc.change(() =>
      board.doc.files.set(fileId, { mimeType: file.mimeType, size: file.data.byteLength }),
    );
    boards.relayUpdate(board.location, null, update);
    await boards.stored(board, update);
  }

  async getFile(joined: JoinedPeer, req: pb.IGetWhiteboardFileRequest): Promise<pb.IResponse> {
    const boards = await this.ready(joined);
    const board = boards.get(joined.peer.location);
    if (!board) throw closed();
    const fileId = req.fileId ?? '';
    const part = board.files.get(fileId, req.offset ?? 0);
    return { whiteboardFile: { fileId, ...part } };
  }

  private async ready(joined: JoinedPeer): Promise<RoomBoards> {
    const boards = this.boardsOf(joined);
    await boards.ready();
    return boards;
  }

  /** The open board where the peer is, if the peer may draw on it. */
  private drawable(boards: RoomBoards, peer: Peer): Board {
    const board = boards.get(peer.location);
    if (!board?.open) throw closed();
    if (!board.mayDraw(peer)) {
      throw new SignalingError(
        ErrorCode.ERROR_CODE_WHITEBOARD_NO_RIGHTS,
        'the teacher has not called you to the board',
      );
    }
    return board;
  }

  private sender(peer: Peer): SenderBuckets {
    let s = this.senders.get(peer);
    if (!s) {
      s = new SenderBuckets(this.config);
      this.senders.set(peer, s);
    }
    return s;
  }

  /** The user id of a participant present in the caller's room. */
  private presentUser({ room }: JoinedPeer, participantId: string): string {
    const peer = room.peers.get(participantId);
    if (!peer) throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'participant not found');
    return peer.identity.userId;
  }
}
