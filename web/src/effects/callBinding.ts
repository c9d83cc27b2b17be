// Connects the local effects to a call: a changed track goes to the call's
// local media (store.local.useStream: the self view follows and the
// producer's track is replaced, no renegotiation), a muted source stops
// costing CPU, the role picks the noise default, problems become toasts, and
// leaving releases the camera and microphone.
import { effect } from '@preact/signals';
import { pb } from '../protocol/wire.js';
import type { CallStore } from '../state/callStore.js';
import { localEffects } from './localEffects.js';
import { problemText } from './ui/effectMessages.js';

export function bindEffects(store: CallStore): void {
  // For tests and the benchmark, as the call itself is (window.schoolCall).
  (window as unknown as { schoolEffects: typeof localEffects }).schoolEffects = localEffects;
  const local = store.local;
  localEffects.onTrack(() => {
    if (store.phase.peek() !== 'ended') void local.useStream(localEffects.stream.peek());
  });
  // A background that stops by itself would show the room: the camera goes off first.
  localEffects.beforeFallback = () => {
    if (local.cameraOn.peek()) void local.toggleCamera();
  };
  // Before the call (the device check, joining, the waiting room) the preview shows the effects at work.
  const inCall = () => store.phase.value === 'call';
  effect(() => localEffects.setActive('video', !inCall() || local.cameraOn.value));
  effect(() => localEffects.setActive('audio', !inCall() || local.micOn.value));
  effect(() => {
    const role = store.roster.self.value?.role;
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
}

/** The wire role as the token names it. */
function roleName(role: pb.Role): string {
  return role === pb.Role.ROLE_HOST ? 'host' : role === pb.Role.ROLE_CO_HOST ? 'co-host' : 'participant';
}
