// What the home side and the edge side of a room's media say to each other
// over the host bus (cluster.proto), as the media code sees it. The bus
// itself lives in signaling/cluster; sfu/ only needs these shapes.
import { schoolcall } from '../common/protocol/generated/protocol.js';

import pb = schoolcall.v1;

export type EnvelopeBody = Omit<pb.IHostEnvelope, 'fromHost'>;
export type EdgeOp = Omit<pb.IEdgeRequest, 'requestId'>;

/** Sends media requests to another host and waits for the answer. */
export interface EdgeRequester {
  request(host: string, op: EdgeOp): Promise<pb.IEdgeResponse>;
}

export class EdgeRequestError extends Error {
  constructor(
    message: string,
    /** Refused for what the participant sent, not for a fault of the edge. */
    readonly clientError = false,
  ) {
    super(message);
  }
}
