// Limits of the whiteboard (WHITEBOARD_* variables): how big a board may
// grow, and how much one participant may send, so one pupil cannot flood a
// class. Every limit refuses with a typed error and changes nothing.

export interface WhiteboardConfig {
  /** Encoded size of one board's document. */
  maxBoardBytes: number;
  /** Drawing elements on one board (all pages). */
  maxElements: number;
  maxPages: number;
  /** One Yjs update. */
  maxUpdateBytes: number;
  /** Updates per second per participant (sustained; bursts up to twice as many). */
  updatesPerSecond: number;
  /** Bytes per second of updates per participant (sustained; bursts up to four seconds' worth). */
  updateBytesPerSecond: number;
  /** Pointer (laser) positions per second per host. */
  pointersPerSecond: number;
  /** One picture, and all pictures of one board. */
  maxFileBytes: number;
  maxFilesBytes: number;
  /** Lessons whose boards are kept for download, per room. */
  savedLessons: number;
  /** How long a saved lesson's boards are kept (Redis only). */
  savedDays: number;
  /** Updates to a place while people draw go out merged, once per this window... */
  relayWindowMs: number;
  /** ...which grows with the people at the place up to this (fewer, larger frames for each of many watchers). */
  relayWindowMaxMs: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function loadWhiteboardConfig(env: NodeJS.ProcessEnv = process.env): WhiteboardConfig {
  const MB = 1024 * 1024;
  return {
    maxBoardBytes: int(env, 'WHITEBOARD_MAX_BYTES', 4 * MB, 64 * 1024, 256 * MB),
    maxElements: int(env, 'WHITEBOARD_MAX_ELEMENTS', 5000, 10, 1_000_000),
    maxPages: int(env, 'WHITEBOARD_MAX_PAGES', 30, 1, 1000),
    maxUpdateBytes: int(env, 'WHITEBOARD_MAX_UPDATE_BYTES', 56 * 1024, 1024, 16 * MB),
    updatesPerSecond: int(env, 'WHITEBOARD_UPDATES_PER_SECOND', 30, 1, 10_000),
    updateBytesPerSecond: int(env, 'WHITEBOARD_UPDATE_BYTES_PER_SECOND', 64 * 1024, 1024, 256 * MB),
    pointersPerSecond: int(env, 'WHITEBOARD_POINTERS_PER_SECOND', 30, 1, 1000),
    maxFileBytes: int(env, 'WHITEBOARD_MAX_FILE_BYTES', 3 * MB, 1024, 64 * MB),
    maxFilesBytes: int(env, 'WHITEBOARD_MAX_FILES_BYTES', 16 * MB, 1024, 1024 * MB),
    savedLessons: int(env, 'WHITEBOARD_SAVED_LESSONS', 20, 0, 10_000),
    savedDays: int(env, 'WHITEBOARD_SAVED_DAYS', 60, 1, 3650),
    relayWindowMs: int(env, 'WHITEBOARD_RELAY_WINDOW_MS', 40, 1, 1000),
    relayWindowMaxMs: int(env, 'WHITEBOARD_RELAY_WINDOW_MAX_MS', 100, 1, 1000),
  };
}
