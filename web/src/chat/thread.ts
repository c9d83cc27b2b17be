// What a chat view needs from whoever holds the chat (the call's lesson chat
// store, or the messenger's): the person, what they may do, and the actions.
// Views call these and never talk to a server themselves.
import type { Msg } from './format.js';

export interface ThreadActions {
  /** The user id of the person looking. */
  meId: string;
  /** Chat admin: deletes anyone's message. */
  isAdmin: boolean;
  /** May pin (the chat's pin rule). */
  canPin: boolean;
  react(m: Msg, emoji: string): void;
  pin(m: Msg, pin: boolean): void;
  remove(m: Msg): void;
  reply(m: Msg): void;
  edit(m: Msg): void;
  vote(m: Msg, option: number): void;
  /** A download link (or a preview's) for a file of this message. */
  fileUrl(m: Msg, fileId: string, preview: boolean): Promise<string>;
}

export interface ComposerActions {
  /** Sends text (a reply when replyTo is set) with finished uploads. */
  send(text: string, replyTo: Msg | null, fileIds: string[]): Promise<boolean>;
  saveEdit(m: Msg, text: string): Promise<boolean>;
  /** Uploads a file with progress (0-100); resolves with its file id, or null on failure. */
  upload(file: File, progress: (percent: number) => void): Promise<string | null>;
}
