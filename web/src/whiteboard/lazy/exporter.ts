// The board as files for the host: the page shown as a PNG picture, every
// page of the board as one PDF (one PDF page per board page). Rendering
// happens here in the browser with Excalidraw's own export (the same drawing
// as on screen, fonts included) and jsPDF, so the server renders nothing.
import { exportToBlob, restoreElements } from '@excalidraw/excalidraw';
import type { ExcalidrawElement, FileId } from '@excalidraw/excalidraw/element/types';
import type { BinaryFileData, BinaryFiles, DataURL } from '@excalidraw/excalidraw/types';
import { jsPDF } from 'jspdf';
import * as Y from 'yjs';
import { schoolcall } from '../../../../common/protocol/generated/protocol.js';
import { readInk, withInk } from '../../../../common/whiteboard/ink.js';
import {
  type ElementEntry,
  FIRST_PAGE,
  type InkChunk,
  type PageEntry,
  ROOT,
} from '../../../../common/whiteboard/model.js';
import { t } from '../../i18n/index.js';
import { saveFile } from '../../kit/saveFile.js';
import type { PageInfo } from '../../state/boardSession.js';
import type { BoardHandle } from './board.js';

import pb = schoolcall.v1;

/** What an export needs: pages in order, each page's elements, the pictures. */
export interface BoardContent {
  pages: PageInfo[];
  elementsOf(pageId: string): ExcalidrawElement[];
  files: BinaryFiles;
}

const EXPORT_MAX_SIDE = 4096;

function liveContent(handle: BoardHandle): BoardContent {
  const binding = handle.binding();
  const api = handle.api();
  if (!binding || !api) throw new Error('the board is not ready');
  return { pages: binding.pageList(), elementsOf: (id) => binding.elementsOf(id), files: api.getFiles() };
}

/** A saved board (from the lesson's download) as exportable content. */
export function savedContent(board: pb.ISavedWhiteboard): BoardContent {
  const doc = new Y.Doc();
  if (board.update?.byteLength) Y.applyUpdate(doc, board.update);
  const pages = [...doc.getMap<PageEntry>(ROOT.pages).entries()]
    .sort(([a, x], [b, y]) => x.order - y.order || a.localeCompare(b))
    .map(([id, p]) => ({ id, name: p.name }));
  if (!pages.some((p) => p.id === FIRST_PAGE)) pages.unshift({ id: FIRST_PAGE, name: '' });
  const files: BinaryFiles = {};
  for (const f of board.files ?? []) {
    const blob = new Blob([(f.data ?? new Uint8Array()) as Uint8Array<ArrayBuffer>], {
      type: f.mimeType ?? '',
    });
    files[f.fileId ?? ''] = {
      id: (f.fileId ?? '') as FileId,
      mimeType: (f.mimeType ?? 'image/png') as BinaryFileData['mimeType'],
      dataURL: URL.createObjectURL(blob) as DataURL,
      created: 0,
    };
  }
  const elementsOf = (pageId: string) => {
    const raw: ElementEntry['el'][] = [];
    const ink = doc.getMap<InkChunk>(ROOT.ink);
    for (const [id, entry] of doc.getMap<ElementEntry>(ROOT.elements))
      if (entry.page === pageId) raw.push(withInk(entry.el, readInk(ink, id)));
    return restoreElements(raw as unknown as ExcalidrawElement[], null, { refreshDimensions: false });
  };
  return { pages, elementsOf, files };
}

/** One page as a PNG with a white background; null when the page is empty. */
export async function pagePng(content: BoardContent, pageId: string): Promise<Blob | null> {
  const elements = content.elementsOf(pageId).filter((el) => !el.isDeleted);
  if (elements.length === 0) return null;
  return exportToBlob({
    elements,
    files: content.files,
    mimeType: 'image/png',
    exportPadding: 24,
    maxWidthOrHeight: EXPORT_MAX_SIDE,
    appState: { exportBackground: true, viewBackgroundColor: '#ffffff', exportWithDarkMode: false },
  });
}

/** Every page with something on it, as one PDF; a blank page when there is nothing at all. */
export async function boardPdf(content: BoardContent): Promise<Blob> {
  let pdf: jsPDF | null = null;
  for (const page of content.pages) {
    const png = await pagePng(content, page.id);
    if (!png) continue;
    const bitmap = await createImageBitmap(png);
    const { width, height } = bitmap;
    bitmap.close();
    const orientation = width >= height ? 'landscape' : 'portrait';
    if (!pdf) pdf = new jsPDF({ orientation, unit: 'px', format: [width, height], hotfixes: ['px_scaling'] });
    else pdf.addPage([width, height], orientation);
    pdf.addImage(new Uint8Array(await png.arrayBuffer()), 'PNG', 0, 0, width, height);
  }
  pdf ??= new jsPDF({ orientation: 'landscape', unit: 'px', format: [1280, 720], hotfixes: ['px_scaling'] });
  return pdf.output('blob');
}

function fileName(title: string, suffix: string): string {
  const base = (title || t('wb.title')).replace(/[\\/:*?"<>|]+/g, ' ').trim();
  return `${base} — ${suffix}`;
}

export async function downloadPng(handle: BoardHandle, title: string): Promise<void> {
  const content = liveContent(handle);
  const current = handle.binding()?.currentPage ?? FIRST_PAGE;
  const index = Math.max(
    0,
    content.pages.findIndex((p) => p.id === current),
  );
  const png = (await pagePng(content, current)) ?? (await boardPdfBlank());
  saveFile(
    fileName(title, `${t('wb.page', { page: index + 1, pages: content.pages.length })}.png`),
    png,
    'image/png',
  );
}

export async function downloadPdf(handle: BoardHandle, title: string): Promise<void> {
  saveFile(fileName(title, `${t('wb.title')}.pdf`), await boardPdf(liveContent(handle)), 'application/pdf');
}

/** A saved board (after the lesson): every page as a PNG of its own, or all of them as one PDF. */
export async function downloadSaved(
  board: pb.ISavedWhiteboard,
  name: string,
  kind: 'png' | 'pdf',
): Promise<void> {
  const content = savedContent(board);
  if (kind === 'pdf') {
    saveFile(fileName(name, `${t('wb.title')}.pdf`), await boardPdf(content), 'application/pdf');
    return;
  }
  const pages = content.pages;
  for (const [i, page] of pages.entries()) {
    const png = await pagePng(content, page.id);
    if (png)
      saveFile(fileName(name, `${t('wb.page', { page: i + 1, pages: pages.length })}.png`), png, 'image/png');
  }
}

/** A white picture for an empty page. */
async function boardPdfBlank(): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = 1280;
  canvas.height = 720;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('cannot draw'))), 'image/png'),
  );
}
