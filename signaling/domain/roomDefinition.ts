// What a room is apart from who is in it: its definition, its settings, and
// the names of the places inside it (the main room and breakout rooms).
export interface RoomDefinition {
  id: string;
  title: string;
  createdAt: Date;
  maxParticipants: number;
  /** Short numeric code for /j/<code>, e.g. 148-118-3. */
  code: string;
  /** Password guests type from paper. */
  password: string;
  /**
   * This room's identity beyond its id: a room deleted and created again
   * with the same id is another instance, and tokens of the old one do not
   * open it.
   */
  instance: string;
  /**
   * Whose the room is, from whoever made it (a lesson's organiser, a call
   * started in a chat, a class meeting): absent for rooms made through the
   * admin API without it and for rooms made before it was kept.
   */
  owner?: RoomOwner;
}

export interface RoomOwner {
  /** The school the room belongs to: its limits (recordings at once) count per school. */
  school: string;
  /** Display names of the staff expected to teach in it: no guest may take one, even before they come. */
  staff: string[];
}

export type WaitingRoomMode = 'off' | 'guests' | 'everyone';

export interface RoomSettings {
  waitingRoom: WaitingRoomMode;
  locked: boolean;
  guestsAllowed: boolean;
  selfUnmuteAllowed: boolean;
  participantsMayShareScreen: boolean;
  maxScreenShares: number;
  /** Co-hosts may record and broadcast (the host's choice; see roles.ts mayRecord). */
  coHostsMayRecord: boolean;
  /** Cameras forwarded per receiver (last-N); 0: the server's default. */
  lastN: number;
}

/** More cameras than a grid shows at once is no limit worth setting. */
export const MAX_LAST_N = 100;

export const DEFAULT_ROOM_SETTINGS: RoomSettings = {
  waitingRoom: 'guests',
  locked: false,
  guestsAllowed: true,
  selfUnmuteAllowed: true,
  participantsMayShareScreen: false,
  maxScreenShares: 1,
  coHostsMayRecord: false,
  lastN: 0,
};

/** Where in a room a peer is: the main room (MAIN) or a breakout room's id. */
export type RoomLocation = string;
export const MAIN: RoomLocation = '';
