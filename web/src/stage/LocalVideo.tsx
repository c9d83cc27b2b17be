// This browser's own camera, mirrored as people expect to see themselves.
import { useEffect, useRef } from 'preact/hooks';

export function LocalVideo({
  stream,
  id,
  mirror,
}: { stream: MediaStream | null; id?: string; mirror?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = stream ? new MediaStream(stream.getVideoTracks()) : null;
  }, [stream]);
  return <video ref={ref} id={id} class={mirror ? 'mirror' : undefined} autoplay playsInline muted />;
}
