// Roles and what each may do. The server decides; clients only display.
import { schoolcall } from './protocol/generated/protocol.js';

import pb = schoolcall.v1;

export const ROLE_NAMES = ['host', 'co-host', 'participant', 'guest'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export function isRoleName(value: unknown): value is RoleName {
  return typeof value === 'string' && (ROLE_NAMES as readonly string[]).includes(value);
}

export function roleToWire(role: RoleName): pb.Role {
  switch (role) {
    case 'host':
      return pb.Role.ROLE_HOST;
    case 'co-host':
      return pb.Role.ROLE_CO_HOST;
    case 'participant':
      return pb.Role.ROLE_PARTICIPANT;
    case 'guest':
      return pb.Role.ROLE_GUEST;
  }
}

export type MediaSourceName = 'microphone' | 'camera' | 'screen' | 'screen-audio';

export function isModerator(role: RoleName): boolean {
  return role === 'host' || role === 'co-host';
}

/**
 * Who may publish which source. In a lesson everybody may speak and show a
 * camera; sharing a screen is for the teacher side unless the room allows it.
 */
export function mayProduce(
  role: RoleName,
  source: MediaSourceName,
  participantsMayShareScreen = false,
): boolean {
  if (source === 'microphone' || source === 'camera') return true;
  return isModerator(role) || participantsMayShareScreen;
}

/** Whether `actor` may moderate `target` (mute, remove, lower a hand). Nobody moderates the host but the host. */
export function mayModerate(actor: RoleName, target: RoleName): boolean {
  if (!isModerator(actor)) return false;
  return target !== 'host' || actor === 'host';
}

export function roleFromWire(role: pb.Role | null | undefined): RoleName | null {
  switch (role) {
    case pb.Role.ROLE_HOST:
      return 'host';
    case pb.Role.ROLE_CO_HOST:
      return 'co-host';
    case pb.Role.ROLE_PARTICIPANT:
      return 'participant';
    case pb.Role.ROLE_GUEST:
      return 'guest';
    default:
      return null;
  }
}
