// A room's saved boards, for its hosts after a lesson: the lessons the
// server keeps (newest first), each board with a PDF of all its pages and a
// PNG of each page. The server sends the boards as they were (a SavedLesson
// protobuf); this browser draws the files with the board's own export,
// loaded only when a download is asked for.
import { useEffect, useState } from 'preact/hooks';
import { schoolcall } from '../../../common/protocol/generated/protocol.js';
import { lang, t } from '../i18n/index.js';
import { FileDown, ImageDown } from '../kit/icons.js';
import { FORMATS } from './formats.js';
import { loadExporter } from './loadBoard.js';

import pb = schoolcall.v1;

export interface LessonSummary {
  id: string;
  endedAt: number;
  boards: { location: string; name: string }[];
}

type Listing =
  | { state: 'loading' }
  | { state: 'denied' }
  | { state: 'failed' }
  | { state: 'ready'; lessons: LessonSummary[] };

/** The saved boards' HTTP API with a host's token. */
export class SavedBoardsApi {
  constructor(
    readonly roomId: string,
    private readonly token: string,
  ) {}

  private get(path: string): Promise<Response> {
    return fetch(`/api/rooms/${encodeURIComponent(this.roomId)}/whiteboards${path}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
  }

  async list(): Promise<Listing> {
    if (!this.token) return { state: 'denied' };
    const res = await this.get('');
    if (res.status === 401 || res.status === 403) return { state: 'denied' };
    if (!res.ok) return { state: 'failed' };
    const body = (await res.json()) as { lessons: LessonSummary[] };
    return { state: 'ready', lessons: body.lessons };
  }

  async lesson(id: string): Promise<pb.SavedLesson> {
    const res = await this.get(`/${encodeURIComponent(id)}`);
    if (!res.ok) throw new Error(`saved boards: HTTP ${res.status}`);
    return pb.SavedLesson.decode(new Uint8Array(await res.arrayBuffer()));
  }
}

function when(ms: number): string {
  return new Intl.DateTimeFormat(lang.value === 'ru' ? 'ru-RU' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(new Date(ms));
}

function LessonItem({ api, lesson }: { api: SavedBoardsApi; lesson: LessonSummary }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const download = async (index: number, kind: 'png' | 'pdf') => {
    setBusy(true);
    setFailed(false);
    try {
      const [saved, exporter] = await Promise.all([api.lesson(lesson.id), loadExporter()]);
      const board = saved.boards[index];
      if (!board) throw new Error('no such board');
      const place = board.locationName || t('wb.mainRoom');
      await exporter.downloadSaved(board, `${when(lesson.endedAt)} ${place}`, kind);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="saved-lesson" data-lesson={lesson.id}>
      <h2>{t('wb.lessonOf', { date: when(lesson.endedAt) })}</h2>
      <ul class="saved-boards">
        {lesson.boards.map((b, i) => (
          <li key={b.location}>
            <span class="saved-board-name">{b.name || t('wb.mainRoom')}</span>
            <span class="saved-board-actions">
              <button
                type="button"
                class="saved-pdf"
                disabled={busy}
                aria-label={`${t('wb.pdf', FORMATS)}: ${b.name || t('wb.mainRoom')}`}
                onClick={() => void download(i, 'pdf')}
              >
                <FileDown aria-hidden="true" /> {FORMATS.pdf}
              </button>
              <button
                type="button"
                class="saved-png"
                disabled={busy}
                aria-label={`${t('wb.pngAll', FORMATS)}: ${b.name || t('wb.mainRoom')}`}
                onClick={() => void download(i, 'png')}
              >
                <ImageDown aria-hidden="true" /> {FORMATS.png}
              </button>
            </span>
          </li>
        ))}
      </ul>
      {busy ? <output class="muted">{t('wb.preparing')}</output> : null}
      {failed ? <p role="alert">{t('wb.exportFailed')}</p> : null}
    </li>
  );
}

export function SavedBoards({ api }: { api: SavedBoardsApi }) {
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  useEffect(() => {
    api.list().then(setListing, () => setListing({ state: 'failed' }));
  }, [api]);
  switch (listing.state) {
    case 'loading':
      return <output class="muted">{t('wb.loading')}</output>;
    case 'denied':
      return <p id="saved-denied">{t('wb.savedDenied')}</p>;
    case 'failed':
      return <p role="alert">{t('common.networkError')}</p>;
    case 'ready':
      return listing.lessons.length === 0 ? (
        <p id="saved-empty">{t('wb.savedEmpty')}</p>
      ) : (
        <ul class="saved-lessons" id="saved-lessons">
          {listing.lessons.map((l) => (
            <LessonItem key={l.id} api={api} lesson={l} />
          ))}
        </ul>
      );
  }
}
