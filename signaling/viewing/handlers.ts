// Requests about what a participant receives: pausing its consumers (one or
// many at once, as the grid pages) and choosing a simulcast layer.
import type { MediaConsumer } from '../../sfu/mediaTransport.js';
import type { Peer } from '../domain/peer.js';
import { ErrorCode, SignalingError, invalid, notFound } from '../errors.js';
import type { Handlers } from '../requests/handlerTable.js';
import type { ConsumerGate } from './consumerGate.js';
import { layersOf } from './layers.js';

export type ViewingRequest = 'setConsumerPaused' | 'setConsumersPaused' | 'setConsumerPreferredLayers';

/** More ids than a grid page would ever hold is a flood, not a page. */
export const MAX_CONSUMERS_PER_REQUEST = 200;

export interface ViewingCounters {
  paused(by: 'client', paused: boolean, count: number): void;
  layers(spatialLayer: number): void;
}

function ownConsumer(peer: Peer, consumerId: string | null | undefined): MediaConsumer {
  const c = peer.consumers.get(consumerId ?? '');
  if (!c) throw notFound('consumer');
  return c;
}

/**
 * Runs a worker request on a consumer. A consumer closed meanwhile (its
 * producer left while the request was on its way) is NOT_FOUND, as if the
 * request had come a moment later, not an internal error.
 */
async function onOpenConsumer(peer: Peer, c: MediaConsumer, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (peer.consumers.get(c.id) !== c) throw notFound('consumer');
    throw err;
  }
}

export function viewingHandlers(gate: ConsumerGate, count: ViewingCounters): Handlers<ViewingRequest> {
  return {
    setConsumerPaused: async (ctx, req) => {
      const { peer } = ctx.present();
      const c = ownConsumer(peer, req.consumerId);
      await onOpenConsumer(peer, c, () => gate.setClientPaused(c, Boolean(req.paused)));
      count.paused('client', Boolean(req.paused), 1);
      return undefined;
    },
    setConsumersPaused: async (ctx, req) => {
      const { peer } = ctx.present();
      const ids = req.consumerIds ?? [];
      if (ids.length === 0) throw invalid('no consumer ids');
      if (ids.length > MAX_CONSUMERS_PER_REQUEST)
        throw invalid(`at most ${MAX_CONSUMERS_PER_REQUEST} consumers per request`);
      // All or nothing: find every one before touching any.
      const consumers = [...new Set(ids)].map((id) => ownConsumer(peer, id));
      await Promise.all(
        consumers.map((c) => onOpenConsumer(peer, c, () => gate.setClientPaused(c, Boolean(req.paused)))),
      );
      count.paused('client', Boolean(req.paused), consumers.length);
      return undefined;
    },
    setConsumerPreferredLayers: async (ctx, req) => {
      const { peer } = ctx.present();
      const c = ownConsumer(peer, req.consumerId);
      const layers = layersOf(c.kind, c.rtpParameters);
      if (!layers) throw new SignalingError(ErrorCode.ERROR_CODE_NOT_LAYERED, 'this consumer has no layers');
      const spatialLayer = req.spatialLayer ?? 0;
      if (spatialLayer >= layers.spatial)
        throw new SignalingError(
          ErrorCode.ERROR_CODE_LAYER_UNAVAILABLE,
          `spatial layer ${spatialLayer} of ${layers.spatial}`,
        );
      const temporalLayer = req.temporalLayer ?? undefined;
      if (temporalLayer !== undefined && temporalLayer >= layers.temporal)
        throw new SignalingError(
          ErrorCode.ERROR_CODE_LAYER_UNAVAILABLE,
          `temporal layer ${temporalLayer} of ${layers.temporal}`,
        );
      await onOpenConsumer(peer, c, () =>
        c.setPreferredLayers({ spatialLayer, ...(temporalLayer !== undefined ? { temporalLayer } : {}) }),
      );
      count.layers(spatialLayer);
      return undefined;
    },
  };
}
