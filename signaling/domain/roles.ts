// Roles and what each may do. The server decides; clients only display.
export const ROLE_NAMES = ['host', 'co-host', 'participant', 'guest'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export function isRoleName(value: unknown): value is RoleName {
  return typeof value === 'string' && (ROLE_NAMES as readonly string[]).includes(value);
}

export type MediaSourceName = 'microphone' | 'camera' | 'screen' | 'screen-audio' | 'whiteboard' | 'document';

/** Sources a host can turn off and block. */
export type ModeratedSource = 'microphone' | 'camera';

/** The source a host's mute applies to, if any: screen sharing is stopped, not muted. */
export function moderatedSource(source: MediaSourceName): ModeratedSource | null {
  return source === 'microphone' || source === 'camera' ? source : null;
}

/**
 * The host control that silences a source: screen audio is the participant's
 * voice in the room too, so a blocked or muted microphone holds it as well.
 */
export function silencedBy(source: MediaSourceName): ModeratedSource | null {
  return source === 'screen-audio' ? 'microphone' : moderatedSource(source);
}

export function isModerator(role: RoleName): boolean {
  return role === 'host' || role === 'co-host';
}

/**
 * Who may publish which source. In a lesson everybody may speak and show a
 * camera; sharing a screen is for the teacher side unless the room allows it.
 * The whiteboard and a presented document as video come from a host's client only.
 */
export function mayProduce(
  role: RoleName,
  source: MediaSourceName,
  participantsMayShareScreen = false,
): boolean {
  if (source === 'microphone' || source === 'camera') return true;
  if (source === 'whiteboard' || source === 'document') return isModerator(role);
  return isModerator(role) || participantsMayShareScreen;
}

/** Whether `actor` may moderate `target` (mute, remove, lower a hand). Nobody moderates the host but the host. */
export function mayModerate(actor: RoleName, target: RoleName): boolean {
  if (!isModerator(actor)) return false;
  return target !== 'host' || actor === 'host';
}

/**
 * Who may start and stop the recording and the broadcast, and see the room's
 * recordings: the host, and co-hosts while the host allows it. The one rule
 * the recorder's requests ask (the browser mirrors it to show the buttons).
 */
export function mayRecord(role: RoleName, settings: { coHostsMayRecord: boolean }): boolean {
  return role === 'host' || (role === 'co-host' && settings.coHostsMayRecord);
}
