// The call itself as a feature: joining and leaving, media, recovery from
// media failures, empty-room timers, and fan-out of room events to clients.
import type { Logger } from '../../common/log.js';
import type { RoomRegistry } from '../domain/roomRegistry.js';
import { ClientFanout } from '../fanout/clientFanout.js';
import type { RoomFanout } from '../fanout/topics.js';
import type { Feature } from '../requests/features.js';
import type { TokenService } from '../tokens.js';
import type { CallStateKeeper } from './callStateKeeper.js';
import { Consuming } from './consuming.js';
import { EmptyRooms } from './emptyRooms.js';
import { type CallRequest, callHandlers } from './handlers.js';
import { MediaRecovery } from './mediaRecovery.js';
import { Membership } from './membership.js';
import { Moves } from './moves.js';
import { Producing } from './producing.js';
import { SessionTokens } from './sessionTokens.js';
import { type EdgeTransportMaker, type IceServersFor, Transports } from './transports.js';

export interface CallFeatureDeps {
  registry: RoomRegistry;
  tokens: TokenService;
  /** Transports for participants connected to other hosts. */
  edges: EdgeTransportMaker;
  /** Where room events are published to clients. */
  out: RoomFanout;
  /** Keeps call state where another host can take it over (several hosts only). */
  callState: CallStateKeeper | null;
  /** TURN servers for each transport. */
  iceServers: IceServersFor;
  log: Logger;
}

export interface CallFeature {
  feature: Feature<CallRequest>;
  membership: Membership;
  fanout: ClientFanout;
  moves: Moves;
}

export function createCallFeature({
  registry,
  tokens,
  edges,
  out,
  callState,
  iceServers,
  log,
}: CallFeatureDeps): CallFeature {
  const fanout = new ClientFanout(out);
  const sessionTokens = new SessionTokens(tokens);
  const membership = new Membership(registry, tokens, sessionTokens, log);
  const recovery = new MediaRecovery(membership, log);
  const emptyRooms = new EmptyRooms();
  const feature: Feature<CallRequest> = {
    name: 'call',
    handlers: callHandlers({
      membership,
      sessionTokens,
      transports: new Transports(edges, recovery, iceServers, log),
      producing: new Producing(log),
      consuming: new Consuming(),
    }),
    attach: (room) => {
      fanout.attach(room);
      recovery.attach(room);
      emptyRooms.attach(room);
      callState?.attach(room);
    },
    close: () => {
      fanout.dispose();
      emptyRooms.dispose();
      callState?.dispose();
    },
  };
  return { feature, membership, fanout, moves: new Moves(log) };
}
