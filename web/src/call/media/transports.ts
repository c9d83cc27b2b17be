// A mediasoup-client transport made from the server's answer: ICE and DTLS
// parameters, TURN servers, an ICE restart when the network changes, and
// the `connect` and `produce` steps told to the server.
import type { Device, types } from 'mediasoup-client';
import { schoolcall } from '../../../../common/protocol/generated/protocol.js';
import {
  type RtpParameters,
  dtlsParametersFromWire,
  dtlsParametersToWire,
  iceCandidatesFromWire,
  iceParametersFromWire,
  mediaKindToWire,
  rtpParametersToWire,
} from '../../../../common/protocol/mediaWire.js';
import type { RequestBody } from '../../protocol/signalingClient.js';
import { restartIceWhenLost, transportIceOptions } from './networkResilience.js';
import { SOURCE_WIRE, type SendSource } from './tracks.js';

import pb = schoolcall.v1;

export type Request = (body: RequestBody) => Promise<pb.Response>;

export async function createTransport(
  device: Device,
  request: Request,
  direction: 'send' | 'recv',
): Promise<types.Transport> {
  const wireDirection =
    direction === 'send'
      ? pb.TransportDirection.TRANSPORT_DIRECTION_SEND
      : pb.TransportDirection.TRANSPORT_DIRECTION_RECV;
  const { webrtcTransport: info } = await request({ createWebrtcTransport: { direction: wireDirection } });
  if (!info) throw new Error('transport response missing');
  const options: types.TransportOptions = {
    id: info.transportId ?? '',
    iceParameters: iceParametersFromWire(info.iceParameters),
    iceCandidates: iceCandidatesFromWire(info.iceCandidates) as types.IceCandidate[],
    dtlsParameters: dtlsParametersFromWire(info.dtlsParameters) as types.DtlsParameters,
    ...transportIceOptions(info),
  };
  const transport =
    direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
  restartIceWhenLost(transport, async () => {
    const r = await request({ restartIce: { transportId: transport.id } });
    return r.iceParameters ?? {};
  });
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    request({
      connectWebrtcTransport: {
        transportId: transport.id,
        dtlsParameters: dtlsParametersToWire(dtlsParameters),
      },
    }).then(() => callback(), errback);
  });
  if (direction === 'send') {
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      request({
        produce: {
          transportId: transport.id,
          kind: mediaKindToWire(kind),
          source: SOURCE_WIRE[appData.source as SendSource],
          rtpParameters: rtpParametersToWire(rtpParameters as RtpParameters),
          paused: Boolean(appData.paused),
        },
      }).then((r) => callback({ id: r.produce?.producerId ?? '' }), errback);
    });
  }
  return transport;
}
