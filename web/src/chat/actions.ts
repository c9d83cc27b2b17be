// What a chat view needs from whoever holds the chat (the call's lesson chat
// store, or the messenger's): the person, what they may do, and the actions.
// Views call these and never talk to a server themselves. The optional
// actions are what one holder offers and the other does not (the messenger
// forwards, shows who read and who reacted, marks important, closes polls,
// records voice, keeps drafts, schedules posts; the call's chat does not):
// a view shows an action's button only when it is there.
import type { Msg, cpb } from './format.js';

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

/** A person who reacted, with their reactions. */
export interface Reacted {
  name: string;
  emojis: string[];
}

/** How a message of one's own stands: sent, or read by someone else. */
export type Delivery = 'sent' | 'read';

export interface ThreadActions {
  /** The user id of the person looking. */
  meId: string;
  /** What the person may do here, as the server said (chat/rights.ts). */
  rights: cpb.IChatRights;
  react(m: Msg, emoji: string): void;
  pin(m: Msg, pin: boolean): void;
  remove(m: Msg): void;
  reply(m: Msg): void;
  edit(m: Msg): void;
  /** Votes for the chosen options (one, or several in a multiple-choice poll). */
  vote(m: Msg, options: number[]): void;
  /** A download link (or a preview's) for a file of this message. */
  fileUrl(m: Msg, fileId: string, preview: boolean): Promise<string>;
  /** Marks a message important, for oneself. */
  markImportant?(m: Msg, important: boolean): void;
  /** Who read a message of one's own; null if it could not be asked. */
  readers?(m: Msg): Promise<Readers | null>;
  /** Who reacted to a message; null if it could not be asked. */
  reacted?(m: Msg): Promise<Reacted[] | null>;
  /** Closes a poll (its author, or a moderator). */
  closePoll?(m: Msg): void;
  /** Who chose an option of a public poll; null if it could not be asked. */
  voters?(m: Msg, option: number): Promise<string[] | null>;
  /** Whether a message of one's own was read by someone else yet. */
  delivery?(m: Msg): Delivery;
  /** Forwards a message to other chats (at most FORWARD_LIMIT at once). */
  forward?: {
    targets(): ForwardTarget[];
    send(m: Msg, chatIds: string[]): void;
  };
  /** Copies a link that opens the chat at this message (for those who may read it). */
  copyLink?(m: Msg): void;
  /** Joins the call a message announces. */
  joinCall?(m: Msg): void;
  /** Presses a bot message's button (by index); resolves whether the server took it. */
  pressButton?(m: Msg, index: number): Promise<boolean>;
}

/** A poll as its author writes it (the server checks it again). */
export interface PollDraft {
  question: string;
  options: string[];
  anonymous: boolean;
  multiple: boolean;
  quiz: boolean;
  /** The quiz's right option; -1 for a poll. */
  correctOption: number;
  /** When it closes by itself (ms since the epoch); 0: when its author closes it. */
  closesAt: number;
}

/** What goes with a message besides its text and files. */
export interface SendOptions {
  /** User ids of the people mentioned in the text. */
  mentions?: string[];
  /** "@all": everyone in the chat is mentioned. */
  mentionAll?: boolean;
  /** The sender follows who has read it; readers confirm with a button. */
  readConfirmation?: boolean;
}

/** A person the composer offers when "@" is typed. */
export interface Mentionable {
  userId: string;
  name: string;
}

export interface ComposerActions {
  /** Sends text (a reply when replyTo is set) with finished uploads. */
  send(text: string, replyTo: Msg | null, fileIds: string[], options?: SendOptions): Promise<boolean>;
  /** Saves an edit; `mentions`: who the new text mentions (the server replaces the old list). */
  saveEdit(m: Msg, text: string, mentions?: string[]): Promise<boolean>;
  /** Uploads a file with progress (0-100); resolves with its file id, or null on failure. */
  upload(file: File, progress: (percent: number) => void): Promise<string | null>;
  /** Sends a poll or a quiz. */
  poll?(poll: PollDraft): Promise<boolean>;
  /** Sends a recorded voice message or round video. */
  voice?(recording: Blob, kind: 'audio' | 'video'): Promise<boolean>;
  /** The unsent text of this chat, kept across reloads. */
  draft?: { load(): string; save(text: string): void };
  /** People of the chat whose name matches what follows "@". */
  mentionable?(query: string): Promise<Mentionable[]>;
  /** Whether "@all" may be used here. */
  mayMentionAll?: boolean;
  /** Whether messages may be sent with read confirmation here. */
  readConfirmation?: boolean;
  /** Posts the text at a later time (ms since the epoch). */
  schedule?(text: string, at: number): Promise<boolean>;
}

/** How many chats one forward may reach (the server's limit). */
export const FORWARD_LIMIT = 12;
