// Everyone's sound plays whatever the stage shows: audio is not tied to tiles,
// which come and go with paging.
import { useEffect, useRef } from 'preact/hooks';
import type { RemoteTrack } from '../call/media/tracks.js';
import { useStore } from '../state/storeContext.js';

function RemoteAudio({ remote }: { remote: RemoteTrack }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = new MediaStream([remote.track]);
  }, [remote.track]);
  // biome-ignore lint/a11y/useMediaCaption: live call audio; subtitles come as their own caption line.
  return <audio ref={ref} autoplay data-participant={remote.participantId} />;
}

export function AudioSink() {
  const store = useStore();
  const tracks = [...store.stage.people.value.values()].flatMap((m) => (m.audio ? [m.audio] : []));
  return (
    <div class="audio-sink" hidden>
      {tracks.map((remote) => (
        <RemoteAudio key={remote.consumerId} remote={remote} />
      ))}
    </div>
  );
}
