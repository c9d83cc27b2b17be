// A presented document on the stage: the page shown now, fetched as a picture
// of this place's board. Hosts and co-hosts turn pages («‹» «›», «Страница 2
// из 5») and end the showing; the others see the page only. The presenter's
// client also sends the page as video (documentVideo.ts).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { ChevronLeft, ChevronRight, X } from '../kit/icons.js';
import { useStore } from '../state/storeContext.js';
import { DocumentVideo } from './documentVideo.js';

export function DocumentStage() {
  const store = useStore();
  const session = store.presentation;
  const shown = session.shown.value;
  const pages = shown.pages ?? [];
  const page = Math.min(Math.max(1, shown.page ?? 1), Math.max(1, pages.length));
  const fileId = pages[page - 1] ?? '';
  const moderator = store.roster.isModerator;
  const me = store.roster.self.value?.participantId ?? '';
  const presenting = Boolean(me) && shown.presentedBy === me;
  const urls = useRef(new Map<string, Promise<string>>());
  const img = useRef<HTMLImageElement>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [video] = useState(() => new DocumentVideo(session.media, (err) => store.fail(err)));

  const pageUrl = (id: string): Promise<string> => {
    let u = urls.current.get(id);
    if (!u) {
      u = import('./lazy/fileTransfer.js')
        .then(({ downloadBoardFile }) => downloadBoardFile(session.call, id))
        .then(({ mimeType, bytes }) =>
          URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType })),
        );
      u.catch(() => urls.current.delete(id));
      urls.current.set(id, u);
    }
    return u;
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: a page is fetched per file id; pageUrl keeps its cache.
  useEffect(() => {
    if (!fileId) return;
    let gone = false;
    pageUrl(fileId).then(
      (u) => {
        if (!gone) setUrl(u);
      },
      (err) => store.fail(err),
    );
    // The next page too, so turning is instant.
    const next = pages[page];
    if (next) void pageUrl(next).catch(() => undefined);
    return () => {
      gone = true;
    };
  }, [fileId]);

  useEffect(() => {
    if (presenting) video.start();
    else video.stop();
  }, [presenting, video]);

  useEffect(
    () => () => {
      video.stop();
      for (const u of urls.current.values())
        void u.then(
          (x) => URL.revokeObjectURL(x),
          () => undefined,
        );
    },
    [video],
  );

  const turn = (to: number) => void store.run(() => session.turn(to));

  return (
    <section class="document" id="document" aria-label={shown.title || t('doc.label')}>
      <div class="document-frame">
        {url ? (
          <img
            ref={img}
            id="document-page"
            src={url}
            alt={t('doc.page', { page, pages: pages.length })}
            data-page={page}
            onLoad={() => video.show(img.current)}
          />
        ) : (
          <output class="board-loading">{t('doc.loading')}</output>
        )}
      </div>
      {moderator ? (
        <div class="board-bar document-bar" role="toolbar" aria-label={shown.title || t('doc.label')}>
          <div class="board-pages">
            <button
              type="button"
              class="icon-only small"
              id="document-prev"
              aria-label={t('doc.prev')}
              title={t('doc.prev')}
              disabled={page <= 1}
              onClick={() => turn(page - 1)}
            >
              <ChevronLeft aria-hidden="true" />
            </button>
            <span id="document-page-number">{t('doc.page', { page, pages: pages.length })}</span>
            <button
              type="button"
              class="icon-only small"
              id="document-next"
              aria-label={t('doc.next')}
              title={t('doc.next')}
              disabled={page >= pages.length}
              onClick={() => turn(page + 1)}
            >
              <ChevronRight aria-hidden="true" />
            </button>
          </div>
          <span class="document-title">{shown.title}</span>
          <button
            type="button"
            class="small"
            id="document-stop"
            onClick={() => void store.run(() => session.stop())}
          >
            <X aria-hidden="true" /> {t('doc.stop')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
