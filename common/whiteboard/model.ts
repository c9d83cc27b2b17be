// The shape of a whiteboard's Yjs document, shared by the server (which
// checks every update against it) and the browser (which binds it to the
// drawing component). Every value is plain JSON in a top-level Y.Map; there
// are no nested Yjs types, so an update's structure is easy to check.
//
//   elements: element id -> { page, el }   one drawing element (Excalidraw's JSON) on a page
//   ink:      '<element id>:<n>' -> { xy, pressure? }  chunk n of a freehand element's points
//   pages:    page id    -> { name, order } the board's pages (scenes)
//   board:    'page'     -> page id         the page everyone is shown
//   files:    file id    -> { mimeType, size } pictures the server holds (written by the server only)
//
// Why `ink`: a Y.Map value is replaced whole, so a freehand stroke written
// as one element while it is drawn costs the square of its length (every
// point again in every update). A freehand ("freedraw") element's base in
// `elements` carries no points (`points: []`); its points live in `ink`,
// chunks 0, 1, 2... in order, and a stroke being drawn sends only its new
// points as the next chunk. The base is written again only when something
// other than its points (and what follows from them: size, version) changes.
// Readers put element and chunks back together (`common/whiteboard/ink.ts`);
// an element with points inline and no chunks (boards saved before `ink`)
// is read as it is.

export const ROOT = {
  elements: 'elements',
  pages: 'pages',
  board: 'board',
  files: 'files',
  ink: 'ink',
} as const;

export type RootName = (typeof ROOT)[keyof typeof ROOT];

/** What someone called to the board may change: the drawing only. */
export const DRAWER_ROOTS: ReadonlySet<string> = new Set([ROOT.elements, ROOT.ink]);
/** Hosts and co-hosts also add pages and choose the page everyone sees. */
export const HOST_ROOTS: ReadonlySet<string> = new Set([ROOT.elements, ROOT.ink, ROOT.pages, ROOT.board]);

/** The page that exists before anyone adds one. */
export const FIRST_PAGE = 'p1';

export interface ElementEntry {
  page: string;
  /** The drawing component's own element JSON (Excalidraw's). */
  el: { id: string; version?: number; isDeleted?: boolean; [key: string]: unknown };
}

/**
 * Chunk n of a freehand element's points. Integers encode in a few bytes
 * where Yjs spends nine on a fractional number, so coordinates are whole
 * hundredths of a pixel, flat: [x0, y0, x1, y1, ...], relative to the
 * element's x and y as Excalidraw's points are; pen pressures, when the
 * element has them, are thousandths (0-1000), one per point.
 */
export interface InkChunk {
  xy: number[];
  pressure?: number[];
}

/** Chunks one element may have (keys '<id>:0' to '<id>:255'); a longer stroke is written again in fewer, fuller chunks. */
export const INK_MAX_CHUNKS = 256;
/** Points in one chunk. */
export const INK_MAX_POINTS = 512;
/** Largest coordinate in a chunk, in hundredths of a pixel (the pointer's bound, 1e7 px). */
export const INK_MAX_COORDINATE = 1e9;

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
