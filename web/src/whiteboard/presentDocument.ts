// A host presents a file they picked: its pages rendered in this browser the
// way a worksheet is for the board (lazy/renderPages.ts: a picture, or a PDF's
// pages with pdf.js), uploaded as pictures of this place's board, then shown.
import type { Key, Params } from '../i18n/index.js';
import type { PresentationSession } from '../state/presentation.js';
import { FORMATS } from './formats.js';

export const DOCUMENT_TYPES = 'application/pdf,image/png,image/jpeg,image/webp,image/gif';

export async function presentDocument(
  session: PresentationSession,
  file: File,
  notify: (key: Key, params?: Params) => void,
): Promise<void> {
  const { MAX_PDF_PAGES, fileId, imagePicture, pdfPictures } = await import('./lazy/renderPages.js');
  const { uploadBoardFile } = await import('./lazy/fileTransfer.js');
  notify('doc.preparing');
  let pictures: Awaited<ReturnType<typeof imagePicture>>[];
  try {
    pictures =
      file.type === 'application/pdf'
        ? await pdfPictures(file, MAX_PDF_PAGES, (count) => notify('doc.tooBig', { count, ...FORMATS }))
        : [await imagePicture(file)];
  } catch (err) {
    notify('doc.failed');
    throw err;
  }
  const pages: string[] = [];
  for (const picture of pictures) {
    const id = await fileId(picture.bytes);
    await uploadBoardFile(session.call, id, picture.mimeType, picture.bytes);
    pages.push(id);
  }
  await session.present(file.name, pages);
}
