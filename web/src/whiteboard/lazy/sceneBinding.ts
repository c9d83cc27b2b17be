// Excalidraw's scene and the board's Yjs document, kept in step. Local
// changes (an element whose version moved) go into the document, keyed by
// element id, with the page they are on; a freehand stroke's points go into
// `ink` in chunks, only the new ones while it is drawn (common/whiteboard/
// ink.ts); an element being drawn goes at most every IN_PROGRESS_MS until it
// is finished. Remote changes redraw the current page from the document,
// keeping local edits not yet sent, and never enter the local undo history.
// Elements from the document pass through Excalidraw's own restore, so a
// malformed element cannot break the scene.
import { CaptureUpdateAction, restoreElements } from '@excalidraw/excalidraw';
import type { ExcalidrawElement, OrderedExcalidrawElement } from '@excalidraw/excalidraw/element/types';
import type { AppState, ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import type * as Y from 'yjs';
import {
  type BoardMaps,
  eraseElement,
  readInk,
  withInk,
  writeElement,
} from '../../../../common/whiteboard/ink.js';
import {
  type ElementEntry,
  FIRST_PAGE,
  type InkChunk,
  type PageEntry,
  ROOT,
} from '../../../../common/whiteboard/model.js';
import type { PageInfo } from '../../state/boardSession.js';
import { type DocSync, REMOTE } from './docSync.js';

const IN_PROGRESS_MS = 120;

/** What the document holds for an element: its entry and chunks, compared by identity (Yjs hands out the same objects until they are replaced). */
interface DocMark {
  entry: ElementEntry | undefined;
  chunks: readonly InkChunk[];
}

function sameMark(a: DocMark, b: DocMark): boolean {
  if (a.entry !== b.entry || a.chunks.length !== b.chunks.length) return false;
  return a.chunks.every((c, i) => c === b.chunks[i]);
}

interface DocElement {
  el: ExcalidrawElement;
  mark: DocMark;
}

export interface BindingEvents {
  pages(pages: PageInfo[], current: string): void;
}

export class SceneBinding {
  /** Each element's version as last written to or read from the document, and what the document held then. */
  private readonly synced = new Map<string, { version: number; mark: DocMark }>();
  /** Restored elements from the document, by id, reused while the document holds the same for them. */
  private readonly restored = new Map<string, DocElement>();
  private page = FIRST_PAGE;
  private redrawQueued = false;
  private applying = false;
  private lastInProgressAt = 0;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private detachDoc: (() => void) | null = null;

  constructor(
    private readonly api: ExcalidrawImperativeAPI,
    private readonly sync: DocSync,
    private readonly events: BindingEvents,
  ) {
    this.bindDoc();
  }

  get currentPage(): string {
    return this.page;
  }

  get doc(): Y.Doc {
    return this.sync.doc;
  }

  /** The document was replaced: start over from it. */
  reset(): void {
    this.synced.clear();
    this.restored.clear();
    this.bindDoc();
    this.redraw(true);
  }

  /** Excalidraw's onChange: writes what changed locally into the document. */
  onChange(elements: readonly OrderedExcalidrawElement[], appState: AppState): void {
    if (this.applying) return;
    const drawing = appState.newElement?.id ?? appState.multiElement?.id ?? null;
    const now = Date.now();
    const changed: ExcalidrawElement[] = [];
    let held = false;
    for (const el of elements) {
      if (this.synced.get(el.id)?.version === el.version) continue;
      if (el.id === drawing && now - this.lastInProgressAt < IN_PROGRESS_MS) {
        held = true;
        continue;
      }
      changed.push(el);
    }
    if (held) this.flushSoon(IN_PROGRESS_MS - (now - this.lastInProgressAt));
    if (changed.length === 0) return;
    if (changed.some((el) => el.id === drawing)) this.lastInProgressAt = now;
    const maps = this.maps();
    const page = this.page;
    this.doc.transact(() => {
      for (const el of changed) {
        // writeElement copies: Excalidraw changes its elements in place, the document must not change with them.
        if (el.isDeleted) eraseElement(maps, el.id);
        else writeElement(maps, page, el);
      }
    });
    for (const el of changed) this.synced.set(el.id, { version: el.version, mark: this.markOf(el.id) });
  }

  /** Hosts: shows a page to everyone (making it if new). */
  goTo(pageId: string, name?: string): void {
    // Excalidraw reports changes after it renders: what changed on this page just now
    // (a worksheet page put in place, say) goes into the document before the page turns.
    this.onChange(this.api.getSceneElementsIncludingDeleted(), this.api.getAppState());
    this.doc.transact(() => {
      const pages = this.doc.getMap<PageEntry>(ROOT.pages);
      if (!pages.has(FIRST_PAGE)) pages.set(FIRST_PAGE, { name: '', order: 0 });
      if (!pages.has(pageId)) pages.set(pageId, { name: name ?? '', order: pages.size });
      this.doc.getMap<string>(ROOT.board).set('page', pageId);
    });
    this.redraw(true);
  }

  pageList(): PageInfo[] {
    const pages = this.doc.getMap<PageEntry>(ROOT.pages);
    const list = [...pages.entries()]
      .map(([id, p]) => ({ id, name: p.name, order: p.order }))
      .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
    if (!list.some((p) => p.id === FIRST_PAGE)) list.unshift({ id: FIRST_PAGE, name: '', order: -1 });
    return list.map(({ id, name }) => ({ id, name }));
  }

  /** Non-deleted elements of a page, restored (freehand points put back from their ink), in z-order. */
  elementsOf(pageId: string): ExcalidrawElement[] {
    return [...this.docElementsOf(pageId).values()].map((d) => d.el).sort(byIndex);
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.detachDoc?.();
  }

  private maps(): BoardMaps {
    return {
      elements: this.doc.getMap<ElementEntry>(ROOT.elements),
      ink: this.doc.getMap<InkChunk>(ROOT.ink),
    };
  }

  private markOf(id: string, entry = this.doc.getMap<ElementEntry>(ROOT.elements).get(id)): DocMark {
    return { entry, chunks: readInk(this.doc.getMap<InkChunk>(ROOT.ink), id) };
  }

  private docElementsOf(pageId: string): Map<string, DocElement> {
    const out = new Map<string, DocElement>();
    for (const [id, entry] of this.doc.getMap<ElementEntry>(ROOT.elements)) {
      if (entry.page === pageId) out.set(id, this.restore(id, this.markOf(id, entry)));
    }
    return out;
  }

  /** A stroke's points held back by IN_PROGRESS_MS go out when it has passed, even if the pen rests. */
  private flushSoon(ms: number): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = null;
        this.onChange(this.api.getSceneElementsIncludingDeleted(), this.api.getAppState());
      },
      Math.max(0, ms),
    );
  }

  private bindDoc(): void {
    this.detachDoc?.();
    const doc = this.sync.doc;
    const onUpdate = (_u: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) this.redrawSoon();
    };
    doc.on('update', onUpdate);
    this.detachDoc = () => doc.off('update', onUpdate);
  }

  private redrawSoon(): void {
    if (this.redrawQueued) return;
    this.redrawQueued = true;
    requestAnimationFrame(() => {
      this.redrawQueued = false;
      this.redraw(false);
    });
  }

  /** Draws the current page from the document, keeping local edits it does not have yet. */
  private redraw(pageChanged: boolean): void {
    const shown = this.doc.getMap<string>(ROOT.board).get('page') ?? FIRST_PAGE;
    const newPage = shown !== this.page;
    this.page = shown;
    const fromDoc = this.docElementsOf(shown);
    const next: ExcalidrawElement[] = [];
    const agreed: DocElement[] = [];
    if (!newPage && !pageChanged) {
      for (const local of this.api.getSceneElementsIncludingDeleted()) {
        const remote = fromDoc.get(local.id);
        const known = this.synced.get(local.id);
        if (remote) {
          fromDoc.delete(local.id);
          // Ours and not sent yet, or nobody changed it since: keep ours (a stroke
          // being drawn stays the element Excalidraw draws into); otherwise the
          // document's is the agreed one.
          if (known && (local.version > known.version || sameMark(known.mark, remote.mark))) next.push(local);
          else {
            next.push(remote.el);
            agreed.push(remote);
          }
        } else if (local.isDeleted || known === undefined) {
          // Deleted here (kept for undo), or new here and not sent yet.
          next.push(local);
        } else {
          // Erased by someone else.
          const gone = { ...local, isDeleted: true, version: local.version + 1 } as ExcalidrawElement;
          this.synced.set(gone.id, { version: gone.version, mark: this.markOf(gone.id) });
          next.push(gone);
        }
      }
    }
    for (const d of fromDoc.values()) {
      next.push(d.el);
      agreed.push(d);
    }
    for (const d of agreed) this.synced.set(d.el.id, { version: d.el.version, mark: d.mark });
    this.applying = true;
    try {
      this.api.updateScene({ elements: next.sort(byIndex), captureUpdate: CaptureUpdateAction.NEVER });
    } finally {
      this.applying = false;
    }
    if (newPage || pageChanged) this.api.history.clear();
    this.events.pages(this.pageList(), this.page);
  }

  private restore(id: string, mark: DocMark): DocElement {
    const cached = this.restored.get(id);
    if (cached && sameMark(cached.mark, mark) && !cached.el.isDeleted) return cached;
    const raw = withInk(mark.entry!.el, mark.chunks);
    const [el] = restoreElements([raw as unknown as ExcalidrawElement], null, {
      refreshDimensions: false,
      repairBindings: false,
    });
    const restored = { el: (el ?? { ...raw, isDeleted: true }) as ExcalidrawElement, mark };
    this.restored.set(id, restored);
    return restored;
  }
}

function byIndex(a: ExcalidrawElement, b: ExcalidrawElement): number {
  const x = a.index ?? '';
  const y = b.index ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
