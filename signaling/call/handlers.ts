// Handlers of the call's own requests: joining and leaving, media transports,
// producing and consuming, and the reconnect token.
import type { Handlers } from '../requests/handlerTable.js';
import type { Consuming } from './consuming.js';
import type { Membership } from './membership.js';
import type { Producing } from './producing.js';
import type { SessionTokens } from './sessionTokens.js';
import type { Transports } from './transports.js';

export type CallRequest =
  | 'join'
  | 'leave'
  | 'refreshSession'
  | 'getRouterRtpCapabilities'
  | 'createWebrtcTransport'
  | 'connectWebrtcTransport'
  | 'restartIce'
  | 'produce'
  | 'closeProducer'
  | 'setProducerPaused'
  | 'consume';

export interface CallServices {
  membership: Membership;
  sessionTokens: SessionTokens;
  transports: Transports;
  producing: Producing;
  consuming: Consuming;
}

export function callHandlers(s: CallServices): Handlers<CallRequest> {
  return {
    join: async (ctx, req) => ({
      join: await ctx.session.join((isOpen) => s.membership.join(req, ctx.session.channel, isOpen)),
    }),
    leave: (ctx) => {
      ctx.session.leave();
      return undefined;
    },
    refreshSession: async (ctx) => {
      const { room, peer } = ctx.present();
      return { session: await s.sessionTokens.mint(room, peer) };
    },
    getRouterRtpCapabilities: (ctx) => ({
      routerRtpCapabilities: s.transports.routerRtpCapabilities(ctx.present()),
    }),
    createWebrtcTransport: async (ctx, req) => ({
      webrtcTransport: await s.transports.create(ctx.present(), req),
    }),
    connectWebrtcTransport: async (ctx, req) => {
      await s.transports.connect(ctx.present(), req);
      return undefined;
    },
    restartIce: async (ctx, req) => ({ iceParameters: await s.transports.restartIce(ctx.present(), req) }),
    produce: async (ctx, req) => ({ produce: await s.producing.produce(ctx.present(), req) }),
    closeProducer: (ctx, req) => {
      s.producing.closeProducer(ctx.present(), req);
      return undefined;
    },
    setProducerPaused: async (ctx, req) => {
      await s.producing.setPaused(ctx.present(), req);
      return undefined;
    },
    consume: async (ctx, req) => ({ consume: await s.consuming.consume(ctx.present(), req) }),
  };
}
