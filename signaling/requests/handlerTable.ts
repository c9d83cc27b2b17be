// Requests are answered from a table keyed by the protobuf request type.
// HandlerTable is a mapped type over every member of ClientMessage's oneof,
// so a request added to the .proto without a handler does not compile. Each
// feature exports the handlers of its own requests (a Handlers<...> object)
// and allHandlers.ts spreads them into the table.
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { PeerChannel } from '../domain/peer.js';
import type { JoinedPeer } from '../domain/room.js';

import pb = schoolcall.v1;

export type RequestType = NonNullable<pb.ClientMessage['request']>;
export type RequestOf<K extends RequestType> = NonNullable<pb.ClientMessage[K]>;

/** A Response's result (one member of its oneof), or nothing for `ok`. */
export type HandlerResult = Omit<pb.IResponse, 'requestId' | 'error'> | undefined;

/** The joining and leaving of a connection, for the two requests that change it. */
export interface SessionLifecycle {
  readonly channel: PeerChannel;
  /** Runs a join while the session is `joining`; it is `joined` after, `connected` again on failure. */
  join(
    run: (isOpen: () => boolean) => Promise<{ joined: JoinedPeer; response: pb.IJoinResponse }>,
  ): Promise<pb.IJoinResponse>;
  /** Leaves the room, present or waiting; NOT_JOINED when not in one. */
  leave(): void;
}

export interface RequestContext {
  /** The caller, admitted into the room; NOT_JOINED or WAITING otherwise. */
  present(): JoinedPeer;
  readonly session: SessionLifecycle;
}

export type Handler<K extends RequestType> = (
  ctx: RequestContext,
  request: RequestOf<K>,
) => HandlerResult | Promise<HandlerResult>;

/** The handlers of some requests: what a feature module exports. */
export type Handlers<K extends RequestType> = { [P in K]: Handler<P> };

/** Every request's handler. */
export type HandlerTable = Handlers<RequestType>;

/** Runs the handler of a decoded request. */
export function dispatch(
  table: HandlerTable,
  type: RequestType,
  message: pb.ClientMessage,
  ctx: RequestContext,
): HandlerResult | Promise<HandlerResult> {
  const handler = table[type] as Handler<RequestType>;
  return handler(ctx, (message[type] ?? {}) as RequestOf<RequestType>);
}
