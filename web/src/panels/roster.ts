// Reading the roster for panels: a server page that follows the room's
// changes, and what this browser knows of a person's microphone and camera.
import { useEffect, useState } from 'preact/hooks';
import type { pb } from '../protocol/wire.js';
import type { CallStore } from '../state/callStore.js';
import { useStore } from '../state/storeContext.js';

/** Re-reads a roster page when the roster changes; bursts collapse into one request. */
export function useRosterPage(
  query: pb.IListParticipantsRequest,
  enabled = true,
): pb.IParticipantPage | null {
  const store = useStore();
  const [page, setPage] = useState<pb.IParticipantPage | null>(null);
  const version = store.roster.rosterVersion.value;
  const key = JSON.stringify(query);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-read when the roster changes (version) or the query does (key).
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      store.roster.page(query).then(
        (p) => {
          if (!cancelled) setPage(p);
        },
        () => {},
      );
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [version, key, enabled]);
  return page;
}

export interface SourceState {
  on: boolean;
  blocked: boolean;
}

/** Microphone and camera of a person as this browser knows them. */
export function mediaState(store: CallStore, p: pb.IParticipant): { mic: SourceState; camera: SourceState } {
  const id = p.participantId ?? '';
  if (id === store.roster.self.value?.participantId) {
    return {
      mic: { on: store.local.micOn.value, blocked: Boolean(p.microphoneBlocked) },
      camera: { on: store.local.cameraOn.value, blocked: Boolean(p.cameraBlocked) },
    };
  }
  const m = store.stage.people.value.get(id);
  return {
    mic: { on: Boolean(m?.audio && !m.audio.producerPaused), blocked: Boolean(p.microphoneBlocked) },
    camera: { on: Boolean(m?.camera && !m.camera.producerPaused), blocked: Boolean(p.cameraBlocked) },
  };
}
