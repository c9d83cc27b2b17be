// What each receiver gets to see, as a feature: pausing consumers (by their
// owner, one or a page at a time), preferred simulcast layers, and last-N
// (only the last N active speakers' cameras are forwarded, N from the room's
// settings or LAST_N). Counted in the server's metrics.
import client from 'prom-client';
import type { Logger } from '../../common/log.js';
import type { RoomFanout } from '../fanout/topics.js';
import type { Feature } from '../requests/features.js';
import { ConsumerGate } from './consumerGate.js';
import { type ViewingRequest, viewingHandlers } from './handlers.js';
import { VideoSelection } from './videoSelection.js';

export interface ViewingDeps {
  out: RoomFanout;
  /** LAST_N: cameras forwarded per location when the room does not set its own (0: all). */
  defaultLastN: number;
  registry: client.Registry;
  log: Logger;
}

export function createViewingFeature({
  out,
  defaultLastN,
  registry,
  log,
}: ViewingDeps): Feature<ViewingRequest> {
  const registers = [registry];
  const clientPauses = new client.Counter({
    name: 'school_call_consumer_client_pauses_total',
    help: 'Consumers paused or resumed by their owner (off-screen tiles), by action',
    labelNames: ['action'],
    registers,
  });
  const lastNChanges = new client.Counter({
    name: 'school_call_consumer_last_n_total',
    help: 'Consumers held (suppressed) or released (restored) by last-N',
    labelNames: ['change'],
    registers,
  });
  const layerRequests = new client.Counter({
    name: 'school_call_consumer_layer_requests_total',
    help: 'Preferred simulcast/SVC layers set by receivers, by spatial layer',
    labelNames: ['spatial_layer'],
    registers,
  });
  const selection = new VideoSelection(out, defaultLastN, (err, room) =>
    log.warn({ err, room: room.id }, 'last-N could not pause or resume a consumer'),
  );
  const gate = new ConsumerGate(selection.isSuppressed, {
    lastN: (change) => lastNChanges.inc({ change }),
  });
  selection.useGate(gate);
  return {
    name: 'viewing',
    handlers: viewingHandlers(gate, {
      paused: (_by, paused, count) => clientPauses.inc({ action: paused ? 'pause' : 'resume' }, count),
      layers: (spatialLayer) => layerRequests.inc({ spatial_layer: String(spatialLayer) }),
    }),
    attach: (room) => selection.attach(room),
  };
}
