// The whiteboard's requests (120-129 in signaling.proto), each answered for
// the caller present in its room.
import type { Handlers } from '../signaling/requests/handlerTable.js';
import type { WhiteboardRequests } from './requests.js';

export type WhiteboardRequest =
  | 'openWhiteboard'
  | 'whiteboardUpdate'
  | 'setWhiteboardAccess'
  | 'whiteboardPointer'
  | 'whiteboardSync'
  | 'putWhiteboardFile'
  | 'getWhiteboardFile';

export function whiteboardHandlers(board: WhiteboardRequests): Handlers<WhiteboardRequest> {
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
  };
}
