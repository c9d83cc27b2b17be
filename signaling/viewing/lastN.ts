// Last-N (Jitsi's name for it): of the cameras at a location, only the N whose
// owners spoke most recently are forwarded to receivers. Teachers' cameras
// (hosts and co-hosts) and every screen share are always forwarded and do not
// count towards N. Until N people have spoken, the earliest cameras fill the
// rest, so a quiet room still shows N faces.

/** Dominant speakers of one location, most recent first. */
export class SpeakerHistory {
  private readonly order: string[] = [];

  /** Records a dominant speaker; true if the order changed. */
  spoke(participantId: string): boolean {
    if (!participantId || this.order[0] === participantId) return false;
    const i = this.order.indexOf(participantId);
    if (i >= 0) this.order.splice(i, 1);
    this.order.unshift(participantId);
    return true;
  }

  forget(participantId: string): void {
    const i = this.order.indexOf(participantId);
    if (i >= 0) this.order.splice(i, 1);
  }

  get recent(): readonly string[] {
    return this.order;
  }
}

export interface Camera {
  participantId: string;
  /** A teacher's camera: never suppressed, not counted in N. */
  alwaysForwarded: boolean;
}

/**
 * The participants whose cameras are not forwarded. `cameras` in the order
 * their owners joined; n <= 0 forwards every camera.
 */
export function suppressedCameras(
  cameras: readonly Camera[],
  recentSpeakers: readonly string[],
  n: number,
): string[] {
  if (n <= 0) return [];
  const candidates = cameras.filter((c) => !c.alwaysForwarded).map((c) => c.participantId);
  if (candidates.length <= n) return [];
  const isCandidate = new Set(candidates);
  const chosen = new Set<string>();
  for (const id of recentSpeakers) {
    if (chosen.size >= n) break;
    if (isCandidate.has(id)) chosen.add(id);
  }
  for (const id of candidates) {
    if (chosen.size >= n) break;
    chosen.add(id);
  }
  return candidates.filter((id) => !chosen.has(id));
}
