// The board on the stage: a frame the drawing part (loaded on first show,
// in its own chunks) mounts into, and above it the board's own bar: page
// turning for everyone, new pages, a worksheet background and downloads for
// hosts, "show everything", and who may draw now.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { ChevronLeft, ChevronRight, FileDown, ImageDown, ImageUp, Plus, Scan } from '../kit/icons.js';
import { useStore } from '../state/storeContext.js';
import { FORMATS } from './formats.js';
import type { BoardHandle } from './lazy/board.js';
import { loadBoardPart } from './loadBoard.js';

export function BoardStage() {
  const store = useStore();
  const session = store.board;
  const frame = useRef<HTMLDivElement>(null);
  const [handle, setHandle] = useState<BoardHandle | null>(null);
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the board mounts once per stage, for its lifetime.
  useEffect(() => {
    let gone = false;
    let mounted: BoardHandle | null = null;
    loadBoardPart().then(
      (part) => {
        if (gone || !frame.current) return;
        mounted = part.mountBoard(frame.current, session, { onError: (err) => store.fail(err) });
        setHandle(mounted);
      },
      () => setFailed(true),
    );
    return () => {
      gone = true;
      mounted?.unmount();
    };
  }, []);

  const pages = session.pages.value;
  const current = Math.max(
    0,
    pages.findIndex((p) => p.id === session.page.value),
  );
  const moderator = session.isModerator.value;
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (err) {
      store.fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="board" id="board" aria-label={t('wb.title')}>
      <div class="board-frame" ref={frame} />
      {!handle ? (
        <output class="board-loading">{failed ? t('wb.loadFailed') : t('wb.loading')}</output>
      ) : null}
      {handle ? (
        <div class="board-bar" role="toolbar" aria-label={t('wb.title')}>
          {pages.length > 1 || moderator ? (
            <div class="board-pages">
              {moderator ? (
                <button
                  type="button"
                  class="icon-only small"
                  id="board-prev"
                  aria-label={t('wb.prevPage')}
                  title={t('wb.prevPage')}
                  disabled={current === 0}
                  onClick={() => handle.goTo(pages[current - 1]?.id ?? '')}
                >
                  <ChevronLeft aria-hidden="true" />
                </button>
              ) : null}
              <span id="board-page">
                {t('wb.page', { page: current + 1, pages: Math.max(1, pages.length) })}
              </span>
              {moderator ? (
                <>
                  <button
                    type="button"
                    class="icon-only small"
                    id="board-next"
                    aria-label={t('wb.nextPage')}
                    title={t('wb.nextPage')}
                    disabled={current >= pages.length - 1}
                    onClick={() => handle.goTo(pages[current + 1]?.id ?? '')}
                  >
                    <ChevronRight aria-hidden="true" />
                  </button>
                  <button
                    type="button"
                    class="icon-only small"
                    id="board-add-page"
                    aria-label={t('wb.addPage')}
                    title={t('wb.addPage')}
                    onClick={() => handle.addPage()}
                  >
                    <Plus aria-hidden="true" />
                  </button>
                </>
              ) : null}
            </div>
          ) : null}
          <button
            type="button"
            class="icon-only small"
            id="board-fit"
            aria-label={t('wb.fit')}
            title={t('wb.fit')}
            onClick={() => handle.fit()}
          >
            <Scan aria-hidden="true" />
          </button>
          {moderator ? (
            <>
              <label class="button icon-only small board-file" title={t('wb.background', FORMATS)}>
                <ImageUp aria-hidden="true" />
                <span class="visually-hidden">{t('wb.background', FORMATS)}</span>
                <input
                  type="file"
                  id="board-background"
                  accept="image/png,image/jpeg,image/webp,image/gif,application/pdf"
                  disabled={busy}
                  onChange={(e) => {
                    const input = e.currentTarget;
                    const file = input.files?.[0];
                    input.value = '';
                    if (file)
                      void run(async () => {
                        const { addBackground } = await import('./lazy/background.js');
                        await addBackground(handle, session, file);
                      });
                  }}
                />
              </label>
              <button
                type="button"
                class="icon-only small"
                id="board-png"
                aria-label={t('wb.png', FORMATS)}
                title={t('wb.png', FORMATS)}
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    const { downloadPng } = await import('./lazy/exporter.js');
                    await downloadPng(handle, store.roster.roomTitle.value);
                  })
                }
              >
                <ImageDown aria-hidden="true" />
              </button>
              <button
                type="button"
                class="icon-only small"
                id="board-pdf"
                aria-label={t('wb.pdf', FORMATS)}
                title={t('wb.pdf', FORMATS)}
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    const { downloadPdf } = await import('./lazy/exporter.js');
                    await downloadPdf(handle, store.roster.roomTitle.value);
                  })
                }
              >
                <FileDown aria-hidden="true" />
              </button>
            </>
          ) : null}
          <span class={`board-who ${session.mayDraw.value ? 'may-draw' : ''}`} id="board-who">
            {session.mayDraw.value ? (moderator ? '' : t('wb.youDraw')) : t('wb.viewOnly')}
          </span>
        </div>
      ) : null}
    </section>
  );
}
