// Connects the local effects to a call: a changed track replaces the
// producer's track (replaceTrack, no renegotiation; the camera's simulcast
// layers stay), the self view follows, a muted source stops costing CPU,
// the role picks the noise default, problems become toasts, and leaving
// releases the camera and microphone.
import { effect } from '@preact/signals';
import { pb } from '../callClient.js';
import type { CallStore } from '../state/callStore.js';
import { type TrackKind, localEffects } from './localEffects.js';
import { problemText } from './ui/effectMessages.js';

export function bindEffects(store: CallStore): void {
  // For tests and the benchmark, as the call itself is (window.schoolCall).
  (window as unknown as { schoolEffects: typeof localEffects }).schoolEffects = localEffects;
  localEffects.onTrack((kind, track) => {
    store.localStream.value = localEffects.stream.peek();
    send(kind, track);
  });
  // A background that stops by itself would show the room: the camera goes off first.
  localEffects.beforeFallback = () => {
    if (store.cameraOn.peek()) void store.toggleCamera();
  };
  effect(() => localEffects.setActive('video', store.cameraOn.value));
  effect(() => localEffects.setActive('audio', store.micOn.value));
  effect(() => {
    const role = store.self.value?.role;
    if (role !== undefined && role !== null) localEffects.setRole(roleName(role));
  });
  let shown = localEffects.problem.peek()?.at ?? 0;
  effect(() => {
    const problem = localEffects.problem.value;
    if (!problem || problem.at === shown || store.phase.value === 'check') return;
    shown = problem.at;
    store.toast(problemText(problem.kind, true), {}, 'warn', 12_000, 'effects');
  });
  effect(() => {
    if (store.phase.value === 'ended') localEffects.release();
  });

  /**
   * Swaps the producer's track. A track that changes before the producer
   * exists (the suppressor got ready while joining, or in the waiting room)
   * is sent as soon as it does, since joining sends the tracks it was given.
   */
  function send(kind: TrackKind, track: MediaStreamTrack): void {
    if (localEffects.current(kind) !== track || store.phase.peek() === 'ended') return;
    const source = kind === 'video' ? 'camera' : 'microphone';
    if (store.call.hasProducer(source)) {
      store.localStream.value = localEffects.stream.peek();
      void store.run(() => store.call.publish(source, track));
    } else setTimeout(() => send(kind, track), PRODUCER_CHECK_MS);
  }
}

const PRODUCER_CHECK_MS = 300;

/** The wire role as the token names it. */
function roleName(role: pb.Role): string {
  return role === pb.Role.ROLE_HOST ? 'host' : role === pb.Role.ROLE_CO_HOST ? 'co-host' : 'participant';
}
