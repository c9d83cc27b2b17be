// A received video, asked for only while it is on screen: the tile tells the
// call client whether it is visible, and the server pauses what is not.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RemoteTrack } from '../call/media/tracks.js';
import { useStore } from '../state/storeContext.js';

export function VideoView({ remote, fit }: { remote: RemoteTrack; fit: 'cover' | 'contain' }) {
  const store = useStore();
  const ref = useRef<HTMLVideoElement>(null);
  const [live, setLive] = useState(false);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = new MediaStream([remote.track]);
  }, [remote.track]);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    const receiving = store.stage.media.receiving;
    let onScreen = false;
    const update = () => receiving.setVideoWanted(remote.consumerId, onScreen && !document.hidden);
    const observer = new IntersectionObserver(
      (entries) => {
        onScreen = entries.some((e) => e.isIntersecting);
        update();
      },
      { threshold: 0.01 },
    );
    observer.observe(video);
    // The tile's size picks the simulcast layer (small tiles, small stream).
    const sizes = new ResizeObserver(() => receiving.setVideoHeight(remote.consumerId, video.clientHeight));
    sizes.observe(video);
    document.addEventListener('visibilitychange', update);
    return () => {
      observer.disconnect();
      sizes.disconnect();
      document.removeEventListener('visibilitychange', update);
      receiving.setVideoWanted(remote.consumerId, false);
    };
  }, [remote.consumerId, store.stage]);

  return (
    <video
      onLoadedData={() => setLive(true)}
      ref={ref}
      class={`fit-${fit} ${live ? 'live' : 'pending'}`}
      autoplay
      playsInline
      muted
      data-consumer={remote.consumerId}
    />
  );
}
