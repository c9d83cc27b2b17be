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
import { MAX_PDF_PAGES, type Picture, fileId, imagePicture, pdfPictures } from './renderPages.js';

/** Width of a background on the board, in scene units. */
const SCENE_WIDTH = 1200;

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
