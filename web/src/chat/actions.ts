// What a chat view needs from whoever holds the chat (the call's lesson chat
// store, or the messenger's): the person, what they may do, and the actions.
// Views call these and never talk to a server themselves. The optional
// actions are what one holder offers and the other does not (the messenger
// forwards, shows who read, marks important, records voice; the call's chat
// does not): a view shows an action's button only when it is there.
import type { Msg } from './format.js';

/** A chat a message can be forwarded to. */
export interface ForwardTarget {
  chatId: string;
  title: string;
}

/** Who has read a message of one's own, and who has not yet. */
export interface Readers {
  read: string[];
  readCount: number;
  unread: string[];
  unreadCount: number;
}

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
  /** Marks a message important, for oneself. */
  markImportant?(m: Msg, important: boolean): void;
  /** Who read a message of one's own; null if it could not be asked. */
  readers?(m: Msg): Promise<Readers | null>;
  /** Forwards a message to other chats (at most FORWARD_LIMIT at once). */
  forward?: {
    targets(): ForwardTarget[];
    send(m: Msg, chatIds: string[]): void;
  };
  /** Joins the call a message announces. */
  joinCall?(m: Msg): void;
}

export interface ComposerActions {
  /** Sends text (a reply when replyTo is set) with finished uploads. */
  send(text: string, replyTo: Msg | null, fileIds: string[]): Promise<boolean>;
  saveEdit(m: Msg, text: string): Promise<boolean>;
  /** Uploads a file with progress (0-100); resolves with its file id, or null on failure. */
  upload(file: File, progress: (percent: number) => void): Promise<string | null>;
  /** Sends a poll: a question and its options. */
  poll?(question: string, options: string[]): Promise<boolean>;
  /** Sends a recorded voice message or round video. */
  voice?(recording: Blob, kind: 'audio' | 'video'): Promise<boolean>;
}

/** How many chats one forward may reach (the server's limit). */
export const FORWARD_LIMIT = 12;
