// A file a host picks, as pictures: a picture re-encoded when large, or the
// pages of a PDF rendered with pdf.js (up to a limit). One pipeline for a
// whiteboard worksheet (background.ts) and a document presented in a call
// (presentDocument.ts). No drawing component here: it loads on its own.
/** Pictures larger than this are re-encoded smaller before they go up. */
const KEEP_AS_IS_BYTES = 1024 * 1024;
const MAX_SIDE = 2000;
const PDF_PAGE_WIDTH = 1600;
export const MAX_PDF_PAGES = 20;

export interface Picture {
  bytes: Uint8Array;
  mimeType: string;
  width: number;
  height: number;
}

export async function fileId(bytes: Uint8Array): Promise<string> {
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

export async function imagePicture(file: File): Promise<Picture> {
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

export async function pdfPictures(
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
