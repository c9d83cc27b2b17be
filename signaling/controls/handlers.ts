import { MAX_PAGE, listParticipants } from '../domain/roster.js';
// Handlers of the lesson controls: settings and the waiting room, roles and
// moderation, hands and reactions, breakout rooms, and the roster.
import { invalid } from '../errors.js';
import type { Handlers } from '../requests/handlerTable.js';
import { rosterPageToWire } from '../wire/roomWire.js';
import type { BreakoutControl } from './breakouts.js';
import { requireModerator } from './guards.js';
import type { Hands } from './hands.js';
import type { Moderation } from './moderation.js';
import type { SettingsControl } from './settings.js';
import type { WaitingRoomControl } from './waitingRoom.js';

const MAX_QUERY = 100;

export type ControlRequest =
  | 'updateRoomSettings'
  | 'admit'
  | 'deny'
  | 'setRole'
  | 'raiseHand'
  | 'lowerHands'
  | 'sendReaction'
  | 'attractAttention'
  | 'mute'
  | 'askToSpeak'
  | 'allowToSpeak'
  | 'removeParticipant'
  | 'endCall'
  | 'listParticipants'
  | 'createBreakouts'
  | 'assignBreakouts'
  | 'openBreakouts'
  | 'closeBreakouts'
  | 'broadcastToBreakouts'
  | 'renameBreakout'
  | 'moveTo'
  | 'getInvitation';

export interface ControlServices {
  settings: SettingsControl;
  waitingRoom: WaitingRoomControl;
  moderation: Moderation;
  hands: Hands;
  breakouts: BreakoutControl;
}

export function controlHandlers(s: ControlServices): Handlers<ControlRequest> {
  return {
    updateRoomSettings: (ctx, req) => void s.settings.update(ctx.present(), req),
    admit: async (ctx, req) => void (await s.waitingRoom.admit(ctx.present(), req)),
    deny: (ctx, req) => void s.waitingRoom.deny(ctx.present(), req),
    setRole: (ctx, req) => void s.moderation.setRole(ctx.present(), req),
    raiseHand: (ctx, req) => void s.hands.raise(ctx.present(), req),
    lowerHands: (ctx, req) => void s.hands.lower(ctx.present(), req),
    sendReaction: (ctx, req) => void s.hands.react(ctx.present(), req),
    attractAttention: (ctx, req) => void s.moderation.attractAttention(ctx.present(), req),
    mute: async (ctx, req) => void (await s.moderation.mute(ctx.present(), req)),
    askToSpeak: (ctx, req) => void s.moderation.askToSpeak(ctx.present(), req),
    allowToSpeak: (ctx, req) => void s.moderation.allowToSpeak(ctx.present(), req),
    removeParticipant: (ctx, req) => void s.moderation.removeParticipant(ctx.present(), req),
    endCall: (ctx) => void s.moderation.endCall(ctx.present()),
    listParticipants: (ctx, req) => {
      const { room, peer } = ctx.present();
      const query = req.query ?? '';
      if (query.length > MAX_QUERY) throw invalid(`query is longer than ${MAX_QUERY}`);
      if ((req.limit ?? 0) > MAX_PAGE) throw invalid(`limit is at most ${MAX_PAGE}`);
      const page = listParticipants(room, {
        offset: req.offset ?? 0,
        limit: req.limit ?? 0,
        query,
        raisedHandsOnly: Boolean(req.raisedHandsOnly),
        location: req.hereOnly ? peer.location : undefined,
      });
      return { participantPage: rosterPageToWire(page) };
    },
    createBreakouts: (ctx, req) => void s.breakouts.create(ctx.present(), req),
    assignBreakouts: async (ctx, req) => void (await s.breakouts.assign(ctx.present(), req)),
    openBreakouts: async (ctx, req) => void (await s.breakouts.open(ctx.present(), req)),
    closeBreakouts: async (ctx) => void (await s.breakouts.close(ctx.present())),
    broadcastToBreakouts: (ctx, req) => void s.breakouts.broadcast(ctx.present(), req),
    renameBreakout: (ctx, req) => void s.breakouts.rename(ctx.present(), req),
    moveTo: async (ctx, req) => void (await s.breakouts.visit(ctx.present(), req)),
    // The code and password are the room's own; only those who run the lesson hand them out.
    getInvitation: (ctx) => {
      const { room, peer } = ctx.present();
      requireModerator(peer);
      const { code, password, title } = room.definition;
      return { invitation: { code, password, title } };
    },
  };
}
