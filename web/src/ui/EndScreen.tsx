// Why the call is over (or never started), in words, with a way back where
// there is one. A guest (a parent by link and password) has no messenger or
// home to go to: where there is no way back she is told she may close the
// tab, and «Закрыть» does (or, if the browser will not, leads to the home page).
import type { ComponentChildren } from 'preact';
import { t } from '../i18n/index.js';
import { END_TEXT, type EndKind } from '../i18n/serverText.js';
import { LanguageSwitch } from '../kit/LanguageSwitch.js';
import { DoorOpen, FileDown, RefreshCw, TriangleAlert, X } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { FORMATS } from '../whiteboard/formats.js';

const CALM: ReadonlySet<EndKind> = new Set(['ended', 'left', 'replaced', 'removed', 'roomClosed']);

export function EndScreen({
  kind,
  detail,
  roomTitle,
  boardsUrl = null,
  guest = false,
  onAction,
  children,
}: {
  kind: EndKind;
  detail: string;
  roomTitle: string;
  /** For a host after a lesson with a board: where its boards are downloaded. */
  boardsUrl?: string | null;
  /** A guest (no account): offered to close the tab where there is no way back. */
  guest?: boolean;
  onAction: () => void;
  /** More below the reason (the lesson chat's link). */
  children?: ComponentChildren;
}) {
  const text = END_TEXT[kind];
  const Icon = CALM.has(kind) ? DoorOpen : TriangleAlert;
  return (
    <main class="page end" id="end" data-end={kind} aria-labelledby="end-title">
      <div class="page-top">
        <p {...userText('room-name')}>{roomTitle}</p>
        <LanguageSwitch />
      </div>
      <Icon class="end-icon" aria-hidden="true" />
      <h1 id="end-title">{t(text.title)}</h1>
      {text.text ? <p>{t(text.text)}</p> : null}
      {kind === 'error' && detail ? <p>{detail}</p> : null}
      {text.action ? (
        <button type="button" id="end-action" class="primary wide" onClick={onAction}>
          <RefreshCw aria-hidden="true" /> {t(text.action)}
        </button>
      ) : null}
      {guest && !text.action ? (
        <>
          <p id="end-guest-hint">{t('end.guestClose')}</p>
          <button type="button" id="end-close" class="wide" onClick={closeTab}>
            <X aria-hidden="true" /> {t('common.close')}
          </button>
        </>
      ) : null}
      {boardsUrl && CALM.has(kind) ? (
        <a class="button wide" id="end-boards" href={boardsUrl} target="_blank" rel="noreferrer noopener">
          <FileDown aria-hidden="true" /> {t('wb.savedLink', FORMATS)}
        </a>
      ) : null}
      {children}
    </main>
  );
}

/** Closes the tab; a browser keeps a tab the person opened themselves, so then the home page. */
function closeTab(): void {
  window.close();
  setTimeout(() => location.assign('/'), 300);
}
