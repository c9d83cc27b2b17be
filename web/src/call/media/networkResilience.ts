// How a call's WebRTC transports get through school networks and survive a
// network change. A small module the call's transports use when one is
// created; it knows nothing else about the call.
//
// - TURN: the server hands each transport the TURN servers it may relay
//   through (with time-limited credentials). `?ice=relay` in the page's
//   address forces relaying, to check that TURN works from a given network.
// - ICE restart: when a transport's connection drops (Wi-Fi to mobile data,
//   a laptop waking up) the client asks the server for new ICE parameters
//   and restarts ICE on the same transport, without leaving the call or
//   renegotiating its media.
import type { types } from 'mediasoup-client';
import { schoolcall } from '../../../../common/protocol/generated/protocol.js';
import { iceParametersFromWire } from '../../../../common/protocol/mediaWire.js';

import pb = schoolcall.v1;

/** ICE options for a new transport, from what the server sent with it. */
export function transportIceOptions(info: pb.IWebRtcTransportInfo): {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
} {
  const iceServers = (info.iceServers ?? []).map((s) => ({
    urls: s.urls ?? [],
    username: s.username ?? '',
    credential: s.credential ?? '',
  }));
  const forced = new URLSearchParams(globalThis.location?.search ?? '').get('ice');
  return { iceServers, iceTransportPolicy: forced === 'relay' && iceServers.length ? 'relay' : 'all' };
}

/** How long a "disconnected" transport may stay so before ICE is restarted (it often recovers alone). */
const DISCONNECTED_GRACE_MS = 2000;
const MIN_RESTART_INTERVAL_MS = 3000;
/** A restart that has not connected by then is tried again (the new network may not have been ready). */
const RESTART_CHECK_MS = 5000;

/**
 * Restarts ICE on a transport whose connection failed or stays disconnected.
 * `askServer` sends RestartIceRequest and returns the server's new ICE
 * parameters. Returns a function that stops watching.
 */
export function restartIceWhenLost(
  transport: types.Transport,
  askServer: () => Promise<pb.IIceParameters>,
  onRestart: (reason: string) => void = () => {},
): () => void {
  let graceTimer: ReturnType<typeof setTimeout> | null = null;
  let checkTimer: ReturnType<typeof setTimeout> | null = null;
  let restarting = false;
  let lastRestart = 0;
  const restart = async (reason: string) => {
    if (restarting || transport.closed || Date.now() - lastRestart < MIN_RESTART_INTERVAL_MS) return;
    restarting = true;
    lastRestart = Date.now();
    try {
      const p = await askServer();
      await transport.restartIce({ iceParameters: iceParametersFromWire(p) });
      onRestart(reason);
    } catch (err) {
      console.warn('ICE restart failed', err);
    } finally {
      restarting = false;
    }
    if (checkTimer) clearTimeout(checkTimer);
    checkTimer = setTimeout(() => {
      if (!transport.closed && transport.connectionState !== 'connected') void restart('still not connected');
    }, RESTART_CHECK_MS);
  };
  const onState = (state: string) => {
    if (graceTimer) clearTimeout(graceTimer);
    graceTimer = null;
    if (state === 'closed' && checkTimer) clearTimeout(checkTimer);
    if (state === 'failed') void restart('failed');
    else if (state === 'disconnected') {
      graceTimer = setTimeout(() => void restart('disconnected'), DISCONNECTED_GRACE_MS);
    }
  };
  transport.on('connectionstatechange', onState);
  // A new network (the browser says it is online again) is worth a restart at once.
  const onOnline = () => {
    if (transport.connectionState !== 'connected') void restart('online');
  };
  globalThis.addEventListener?.('online', onOnline);
  return () => {
    if (graceTimer) clearTimeout(graceTimer);
    if (checkTimer) clearTimeout(checkTimer);
    transport.off('connectionstatechange', onState);
    globalThis.removeEventListener?.('online', onOnline);
  };
}
