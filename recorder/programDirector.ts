// Decides what the program shows and plays, from a snapshot of the room:
// the screen share when there is one, else a presented document's page, else
// the whiteboard when it is open (each with the presenter's camera in a corner), otherwise the active
// speaker, otherwise a host; the microphones of
// the people speaking. Pure: the same snapshot gives the same program.
import type { RecordedParticipant, RecordedSourceName } from './roomSource.js';

export interface DirectorSource {
  producerId: string;
  participantId: string;
  source: RecordedSourceName;
  paused: boolean;
}

export interface DirectorInput {
  participants: RecordedParticipant[];
  sources: DirectorSource[];
  activeSpeaker: string | null;
  /** Audible now, loudest first. */
  speaking: string[];
  /** Audio slot assignment of the previous program (kept stable). */
  previousAudio: (string | null)[];
  audioSlots: number;
}

export interface Program {
  /** Producer filling the frame, or null for the title card. */
  main: string | null;
  /** Presenter's camera over the screen share. */
  corner: string | null;
  /** Whose picture it is ('' when nobody's). */
  label: string;
  /** One producer (or null) per audio slot; a producer keeps its slot while it stays. */
  audio: (string | null)[];
}

export function directProgram(input: DirectorInput): Program {
  const live = input.sources.filter((s) => !s.paused);
  const present = new Map(input.participants.map((p) => [p.id, p]));
  const videoOf = (participantId: string | null | undefined, source: RecordedSourceName) =>
    participantId ? live.find((s) => s.participantId === participantId && s.source === source) : undefined;
  const nameOf = (participantId: string) => present.get(participantId)?.displayName ?? '';

  // A screen share, else a presented document, else an open whiteboard, fills the frame with its presenter in the corner.
  let main: DirectorSource | undefined =
    live.find((s) => s.source === 'screen' && present.has(s.participantId)) ??
    live.find((s) => s.source === 'document' && present.has(s.participantId)) ??
    live.find((s) => s.source === 'whiteboard' && present.has(s.participantId));
  let corner: DirectorSource | undefined;
  if (main) corner = videoOf(main.participantId, 'camera');
  else {
    main = videoOf(input.activeSpeaker, 'camera');
    for (const host of input.participants) {
      if (main) break;
      if (host.isHost) main = videoOf(host.id, 'camera');
    }
  }
  return {
    main: main?.producerId ?? null,
    corner: corner?.producerId ?? null,
    label: main ? nameOf(main.participantId) : '',
    audio: assignAudio(input, live),
  };
}

/** Everyone unmuted when they fit; otherwise the loudest, then those already on air. */
function assignAudio(input: DirectorInput, live: DirectorSource[]): (string | null)[] {
  const mics = live.filter((s) => s.source === 'microphone' || s.source === 'screen-audio');
  let chosen: DirectorSource[];
  if (mics.length <= input.audioSlots) chosen = mics;
  else {
    const rank = (s: DirectorSource) => {
      const loud = input.speaking.indexOf(s.participantId);
      if (loud >= 0) return loud;
      if (s.source === 'screen-audio') return input.audioSlots;
      return input.previousAudio.includes(s.producerId) ? input.audioSlots + 1 : input.audioSlots + 2;
    };
    chosen = [...mics].sort((a, b) => rank(a) - rank(b)).slice(0, input.audioSlots);
  }
  const ids = new Set(chosen.map((s) => s.producerId));
  const slots: (string | null)[] = Array.from({ length: input.audioSlots }, (_, i) => {
    const prev = input.previousAudio[i] ?? null;
    return prev && ids.has(prev) ? prev : null;
  });
  for (const id of ids) {
    if (slots.includes(id)) continue;
    const free = slots.indexOf(null);
    if (free >= 0) slots[free] = id;
  }
  return slots;
}
