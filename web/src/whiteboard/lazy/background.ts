// A worksheet under the drawing: a picture, or the pages of a PDF (rendered
// here with pdf.js, one board page per PDF page, up to a limit). Each goes up
// to the server as a picture, then lies locked at the back of its page, so
// drawing on top never moves it.
import { convertToExcalidrawElements } from '@excalidraw/excalidraw';
import type { ExcalidrawElement, FileId } from '@excalidraw/excalidraw/element/types';
import type { BinaryFileData, DataURL } from '@excalidraw/excalidraw/types';
import { generateKeyBetween } from 'fractional-indexing';
import type { BoardSession } from '../../state/boardSession.js';
import { FORMATS } from '../formats.js';
import type { BoardHandle } from './board.js';

/** Pictures larger than this are re-encoded smaller before they go up. */
const KEEP_AS_IS_BYTES = 1024 * 1024;
const MAX_SIDE = 2000;
const PDF_PAGE_WIDTH = 1600;
const MAX_PDF_PAGES = 20;
/** Width of a background on the board, in scene units. */
const SCENE_WIDTH = 1200;

interface Picture {
  bytes: Uint8Array;
  mimeType: string;
  width: number;
  height: number;
}

async function fileId(bytes: Uint8Array): Promise<string> {
  // crypto.subtle exists only on https or localhost; a school LAN may serve plain http.
  if (globalThis.crypto?.subtle) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', bytes as Uint8Array<ArrayBuffer>));
    return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  return `f${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

function canvasBlob(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('cannot encode picture'))), type, quality),
  );
}

async function fromCanvas(canvas: HTMLCanvasElement): Promise<Picture> {
  const blob = await canvasBlob(canvas, 'image/jpeg', 0.85);
  return {
    bytes: new Uint8Array(await blob.arrayBuffer()),
    mimeType: 'image/jpeg',
    width: canvas.width,
    height: canvas.height,
  };
}

async function imagePicture(file: File): Promise<Picture> {
  const bitmap = await createImageBitmap(file);
  const { width, height } = bitmap;
  if (
    file.size <= KEEP_AS_IS_BYTES &&
    ['image/png', 'image/jpeg', 'image/webp', 'image/gif'].includes(file.type)
  ) {
    bitmap.close();
    return { bytes: new Uint8Array(await file.arrayBuffer()), mimeType: file.type, width, height };
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no canvas');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return fromCanvas(canvas);
}

async function pdfPictures(
  file: File,
  maxPages: number,
  onTooMany: (count: number) => void,
): Promise<Picture[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  pdfjs.GlobalWorkerOptions.workerSrc = '/static/pdf.worker.min.mjs';
  const pdf = await pdfjs.getDocument({
    data: new Uint8Array(await file.arrayBuffer()),
    isEvalSupported: false,
  }).promise;
  const count = Math.min(pdf.numPages, maxPages);
  if (pdf.numPages > count) onTooMany(count);
  const out: Picture[] = [];
  for (let n = 1; n <= count; n++) {
    const page = await pdf.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: PDF_PAGE_WIDTH / base.width });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(viewport.width);
    canvas.height = Math.round(viewport.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no canvas');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvas, canvasContext: ctx, viewport }).promise;
    out.push(await fromCanvas(canvas));
  }
  await pdf.destroy();
  return out;
}

/** Puts a picture locked at the back of the page shown now. */
async function place(handle: BoardHandle, picture: Picture): Promise<void> {
  const api = handle.api();
  if (!api) throw new Error('the board is not ready');
  const id = await fileId(picture.bytes);
  await handle.pictures().upload(id, picture.mimeType, picture.bytes);
  const blob = new Blob([picture.bytes as Uint8Array<ArrayBuffer>], { type: picture.mimeType });
  const dataURL = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
  const file: BinaryFileData = {
    id: id as FileId,
    mimeType: picture.mimeType as BinaryFileData['mimeType'],
    dataURL: dataURL as DataURL,
    created: Date.now(),
  };
  api.addFiles([file]);
  const height = Math.round((SCENE_WIDTH * picture.height) / picture.width);
  const [image] = convertToExcalidrawElements([
    { type: 'image', fileId: id as FileId, x: 0, y: 0, width: SCENE_WIDTH, height, locked: true },
  ]);
  if (!image) return;
  const scene = api.getSceneElementsIncludingDeleted();
  const first = scene.reduce<string | null>(
    (min: string | null, el: ExcalidrawElement) => (el.index && (!min || el.index < min) ? el.index : min),
    null,
  );
  const background = { ...image, index: generateKeyBetween(null, first) } as ExcalidrawElement;
  api.updateScene({ elements: [background, ...scene] });
}

export async function addBackground(handle: BoardHandle, session: BoardSession, file: File): Promise<void> {
  if (file.type !== 'application/pdf') {
    await place(handle, await imagePicture(file));
    handle.fit();
    return;
  }
  const room = MAX_PDF_PAGES;
  let pictures: Picture[];
  try {
    pictures = await pdfPictures(file, room, (count) =>
      session.notify('wb.pdfTooBig', { count, ...FORMATS }),
    );
  } catch (err) {
    session.notify('wb.pdfFailed', FORMATS);
    throw err;
  }
  const start = session.page.value;
  for (const [i, picture] of pictures.entries()) {
    if (i > 0) handle.addPage();
    await place(handle, picture);
  }
  if (pictures.length > 1) handle.goTo(start);
  handle.fit();
}
