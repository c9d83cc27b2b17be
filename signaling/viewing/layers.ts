// The layers a consumer's video has, from the scalability mode mediasoup puts
// on its encoding ("L3T3": three spatial, three temporal layers; a simulcast
// consumer gets L<streams>T<temporal>). Without one it has no layers.
import type { types } from 'mediasoup';

export interface LayerCounts {
  spatial: number;
  temporal: number;
}

export function layersOf(kind: types.MediaKind, rtpParameters: types.RtpParameters): LayerCounts | null {
  if (kind !== 'video') return null;
  const mode = rtpParameters.encodings?.[0]?.scalabilityMode;
  const m = mode ? /^[LS](\d+)T(\d+)/.exec(mode) : null;
  if (!m) return null;
  const counts = { spatial: Number(m[1]), temporal: Number(m[2]) };
  return counts.spatial > 1 || counts.temporal > 1 ? counts : null;
}
