// The shape of a whiteboard's Yjs document, shared by the server (which
// checks every update against it) and the browser (which binds it to the
// drawing component). Every value is plain JSON in a top-level Y.Map; there
// are no nested Yjs types, so an update's structure is easy to check.
//
//   elements: element id -> { page, el }   one drawing element (Excalidraw's JSON) on a page
//   pages:    page id    -> { name, order } the board's pages (scenes)
//   board:    'page'     -> page id         the page everyone is shown
//   files:    file id    -> { mimeType, size } pictures the server holds (written by the server only)

export const ROOT = {
  elements: 'elements',
  pages: 'pages',
  board: 'board',
  files: 'files',
} as const;

export type RootName = (typeof ROOT)[keyof typeof ROOT];

/** What someone called to the board may change: the drawing only. */
export const DRAWER_ROOTS: ReadonlySet<string> = new Set([ROOT.elements]);
/** Hosts and co-hosts also add pages and choose the page everyone sees. */
export const HOST_ROOTS: ReadonlySet<string> = new Set([ROOT.elements, ROOT.pages, ROOT.board]);

/** The page that exists before anyone adds one. */
export const FIRST_PAGE = 'p1';

export interface ElementEntry {
  page: string;
  /** The drawing component's own element JSON (Excalidraw's). */
  el: { id: string; version?: number; isDeleted?: boolean; [key: string]: unknown };
}

export interface PageEntry {
  name: string;
  order: number;
}

export interface FileEntry {
  mimeType: string;
  size: number;
}

/** File ids are the drawing component's (a hash of the file): short and plain. */
export const FILE_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** Pictures a board accepts. */
export const FILE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
]);

/** Upload chunk size; a chunk and its envelope stay well under the server's frame limit. */
export const FILE_CHUNK_BYTES = 48 * 1024;
