// What the lesson left, on its page: the recording (played here, and a
// download through its signed link), the transcript (.txt, .vtt) and the
// board as PDF (drawn in this browser by the board's own export, as the
// saved boards' list does). The server decides who gets them
// (attendance/recap.ts): the lesson's teachers and the school's staff
// always, the class once the teacher shares the recording; a teacher gets
// the «Поделиться записью с классом» switch.
import { useState } from 'preact/hooks';
import { schoolcall } from '../../../common/protocol/generated/protocol.js';
import { t } from '../i18n/index.js';
import { fileSize } from '../i18n/units.js';
import { Download, FileDown } from '../kit/icons.js';
import { fileNameOf, saveFile, saveLink } from '../kit/saveFile.js';
import { loadExporter } from '../whiteboard/loadBoard.js';
import { type cpb, duration } from './recapWords.js';

import pb = schoolcall.v1;

/** What the page asks the server for, besides itself. */
export interface RecapApi {
  page(): Promise<cpb.ILessonRecapPage>;
  share(shared: boolean): Promise<cpb.ILessonRecapPage>;
  file(kind: cpb.LessonFileKind, name: string): Promise<Uint8Array>;
}

const KIND = {
  txt: 1 as cpb.LessonFileKind,
  vtt: 2 as cpb.LessonFileKind,
  board: 3 as cpb.LessonFileKind,
};

export function LessonMaterials({
  page,
  api,
  onPage,
}: {
  page: cpb.ILessonRecapPage;
  api: RecapApi;
  onPage: (page: cpb.ILessonRecapPage) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const title = page.lesson?.title ?? '';
  const recordings = page.recordings ?? [];
  const transcripts = page.transcripts ?? [];
  const boards = page.boards ?? [];
  const nothing = recordings.length + transcripts.length + boards.length === 0;

  const run = async (job: () => Promise<void>) => {
    setBusy(true);
    setFailed(false);
    try {
      await job();
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  const transcript = (name: string, format: 'txt' | 'vtt') =>
    run(async () => {
      const bytes = await api.file(KIND[format], name);
      saveFile(
        fileNameOf(title, `${t('recap.transcript')}.${format}`),
        new Uint8Array(bytes),
        format === 'txt' ? 'text/plain;charset=utf-8' : 'text/vtt',
      );
    });
  const board = (name: string) =>
    run(async () => {
      const [bytes, exporter] = await Promise.all([api.file(KIND.board, name), loadExporter()]);
      const saved = pb.SavedLesson.decode(bytes);
      for (const b of saved.boards) await exporter.downloadSaved(b, title, 'pdf');
    });
  // A recording's signed link lives ten minutes: a page open longer asks for a
  // fresh one when the person clicks (the video asks again if its link ran out).
  const freshUrl = async (id: string) => {
    const url = (await api.page()).recordings?.find((r) => r.id === id)?.url;
    if (!url) throw new Error('no link');
    return url;
  };
  const download = (id: string) => run(async () => saveLink(await freshUrl(id)));
  const replay = (video: HTMLVideoElement, id: string) => {
    if (video.dataset.refreshed) return;
    video.dataset.refreshed = '1';
    void freshUrl(id).then(
      (url) => {
        video.src = url;
      },
      () => {},
    );
  };
  const share = (shared: boolean) =>
    run(async () => {
      onPage(await api.share(shared));
    });

  return (
    <section class="recap-section" id="recap-materials" aria-labelledby="recap-materials-title">
      <h2 id="recap-materials-title">{t('recap.materials')}</h2>
      {page.mayShare ? (
        <label class="check recap-share">
          <input
            type="checkbox"
            checked={page.recordingShared === true}
            disabled={busy}
            onChange={(e) => void share((e.target as HTMLInputElement).checked)}
          />
          <span>
            {t('recap.share')}
            <small class="muted">{t('recap.shareHint')}</small>
          </span>
        </label>
      ) : null}
      {nothing ? (
        <p class="recap-empty">
          {page.mayShare || page.recordingShared ? t('recap.noMaterials') : t('recap.notShared')}
        </p>
      ) : null}
      {recordings.map((r, i) => (
        <figure class="recap-recording" key={r.id}>
          {/* biome-ignore lint/a11y/useMediaCaption: the transcript is offered beside it */}
          <video
            controls
            preload="metadata"
            src={r.url ?? ''}
            onError={(e) => replay(e.currentTarget, r.id ?? '')}
            aria-label={recordings.length > 1 ? t('recap.recordingN', { n: i + 1 }) : t('recap.recording')}
          />
          <figcaption>
            <span>{t('recap.recordingLength', { time: duration(r.durationSeconds ?? 0) })}</span>
            <a
              class="button"
              href={r.url ?? ''}
              download
              onClick={(e) => {
                e.preventDefault();
                void download(r.id ?? '');
              }}
            >
              <Download aria-hidden="true" />{' '}
              {t('recap.downloadRecording', { size: fileSize(r.sizeBytes ?? 0) })}
            </a>
          </figcaption>
        </figure>
      ))}
      {transcripts.length > 0 || boards.length > 0 ? (
        <div class="recap-files">
          {transcripts.map((name) => (
            <span class="recap-file-row" key={name}>
              <button type="button" disabled={busy} onClick={() => void transcript(name, 'txt')}>
                <FileDown aria-hidden="true" /> {t('recap.transcriptAs', { format: '.txt' })}
              </button>
              <button type="button" disabled={busy} onClick={() => void transcript(name, 'vtt')}>
                <FileDown aria-hidden="true" /> {t('recap.transcriptAs', { format: '.vtt' })}
              </button>
            </span>
          ))}
          {boards.map((name) => (
            <button type="button" key={name} disabled={busy} onClick={() => void board(name)}>
              <FileDown aria-hidden="true" /> {t('recap.boardAs', { format: 'PDF' })}
            </button>
          ))}
        </div>
      ) : null}
      {busy ? <output class="muted">{t('recap.preparing')}</output> : null}
      {failed ? <p role="alert">{t('recap.fileFailed')}</p> : null}
    </section>
  );
}
