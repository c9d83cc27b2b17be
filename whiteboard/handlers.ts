// The whiteboard's requests (120-129 in signaling.proto) and the documents
// presented on its pictures (140-149), each answered for
// the caller present in its room.
import type { Handlers } from '../signaling/requests/handlerTable.js';
import type { PresentationRequests } from './presentation.js';
import type { WhiteboardRequests } from './requests.js';

export type WhiteboardRequest =
  | 'openWhiteboard'
  | 'whiteboardUpdate'
  | 'setWhiteboardAccess'
  | 'whiteboardPointer'
  | 'whiteboardSync'
  | 'putWhiteboardFile'
  | 'getWhiteboardFile'
  | 'presentDocument'
  | 'turnDocumentPage'
  | 'stopPresenting';

export function whiteboardHandlers(
  board: WhiteboardRequests,
  shown: PresentationRequests,
): Handlers<WhiteboardRequest> {
  return {
    openWhiteboard: async (ctx, req) => {
      await board.open(ctx.present(), req);
      return undefined;
    },
    whiteboardUpdate: async (ctx, req) => {
      await board.update(ctx.present(), req);
      return undefined;
    },
    setWhiteboardAccess: async (ctx, req) => {
      await board.setAccess(ctx.present(), req);
      return undefined;
    },
    whiteboardPointer: async (ctx, req) => {
      await board.pointer(ctx.present(), req);
      return undefined;
    },
    whiteboardSync: (ctx, req) => board.sync(ctx.present(), req),
    putWhiteboardFile: async (ctx, req) => {
      await board.putFile(ctx.present(), req);
      return undefined;
    },
    getWhiteboardFile: (ctx, req) => board.getFile(ctx.present(), req),
    presentDocument: async (ctx, req) => {
      await shown.present(ctx.present(), req);
      return undefined;
    },
    turnDocumentPage: async (ctx, req) => {
      await shown.turn(ctx.present(), req);
      return undefined;
    },
    stopPresenting: async (ctx) => {
      await shown.stop(ctx.present());
      return undefined;
    },
  };
}
