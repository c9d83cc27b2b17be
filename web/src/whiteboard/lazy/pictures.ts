import type { FileId } from '@excalidraw/excalidraw/element/types';
// Pictures on the board (images, worksheet pages): Excalidraw keeps them as
// data URLs beside the scene; the server keeps their bytes. A picture added
// here goes up in chunks and the server announces it in the document's
// `files` map; pictures announced there that this browser lacks come down
// in chunks and are handed to Excalidraw.
import type {
  BinaryFileData,
  BinaryFiles,
  DataURL,
  ExcalidrawImperativeAPI,
} from '@excalidraw/excalidraw/types';
import { type FileEntry, ROOT } from '../../../../common/whiteboard/model.js';
import type { BoardSession } from '../../state/boardSession.js';
import type { DocSync } from './docSync.js';
import { downloadBoardFile, uploadBoardFile } from './fileTransfer.js';

function dataUrlBytes(dataURL: string): Uint8Array {
  const base64 = dataURL.slice(dataURL.indexOf(',') + 1);
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function bytesDataUrl(mimeType: string, bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:${mimeType};base64,${btoa(bin)}`;
}

export class Pictures {
  private readonly busy = new Set<string>();

  constructor(
    private readonly session: BoardSession,
    private readonly sync: DocSync,
    private readonly api: () => ExcalidrawImperativeAPI | null,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Excalidraw's files after a change: upload the ones the board does not have. */
  onFiles(files: BinaryFiles): void {
    if (!this.session.mayDraw.value) return;
    const known = this.sync.doc.getMap<FileEntry>(ROOT.files);
    for (const file of Object.values(files)) {
      if (known.has(file.id) || this.busy.has(file.id)) continue;
      this.busy.add(file.id);
      void this.upload(file.id, file.mimeType, dataUrlBytes(file.dataURL))
        .catch((err) => this.onError(err))
        .finally(() => this.busy.delete(file.id));
    }
  }

  /** After a document change: fetch the pictures Excalidraw does not have yet. */
  fetchMissing(): void {
    const api = this.api();
    if (!api) return;
    const have = api.getFiles();
    for (const [id, entry] of this.sync.doc.getMap<FileEntry>(ROOT.files)) {
      if (have[id] || this.busy.has(id)) continue;
      this.busy.add(id);
      void this.download(id)
        .then((bytes) => {
          const file: BinaryFileData = {
            id: id as FileId,
            mimeType: entry.mimeType as BinaryFileData['mimeType'],
            dataURL: bytesDataUrl(entry.mimeType, bytes) as DataURL,
            created: Date.now(),
          };
          this.api()?.addFiles([file]);
        })
        .catch((err) => this.onError(err))
        .finally(() => this.busy.delete(id));
    }
  }

  upload(fileId: string, mimeType: string, bytes: Uint8Array): Promise<void> {
    return uploadBoardFile(this.session.call, fileId, mimeType, bytes);
  }

  private async download(fileId: string): Promise<Uint8Array> {
    return (await downloadBoardFile(this.session.call, fileId)).bytes;
  }
}
