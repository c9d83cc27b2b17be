// Why the call is over (or never started), in words, with a way back where
// there is one.
import type { ComponentChildren } from 'preact';
import { t } from '../i18n/index.js';
import { END_TEXT, type EndKind } from '../i18n/serverText.js';
import { LanguageSwitch } from '../kit/LanguageSwitch.js';
import { DoorOpen, FileDown, RefreshCw, TriangleAlert } from '../kit/icons.js';
import { FORMATS } from '../whiteboard/formats.js';

const CALM: ReadonlySet<EndKind> = new Set(['ended', 'left', 'replaced', 'removed', 'roomClosed']);

export function EndScreen({
  kind,
  detail,
  roomTitle,
  boardsUrl = null,
  onAction,
  children,
}: {
  kind: EndKind;
  detail: string;
  roomTitle: string;
  /** For a host after a lesson with a board: where its boards are downloaded. */
  boardsUrl?: string | null;
  onAction: () => void;
  /** More below the reason (the lesson chat's link). */
  children?: ComponentChildren;
}) {
  const text = END_TEXT[kind];
  const Icon = CALM.has(kind) ? DoorOpen : TriangleAlert;
  return (
    <main class="page end" id="end" data-end={kind} aria-labelledby="end-title">
      <div class="page-top">
        <p class="room-name">{roomTitle}</p>
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
      {boardsUrl && CALM.has(kind) ? (
        <a class="button wide" id="end-boards" href={boardsUrl} target="_blank" rel="noreferrer noopener">
          <FileDown aria-hidden="true" /> {t('wb.savedLink', FORMATS)}
        </a>
      ) : null}
      {children}
    </main>
  );
}
