// The files of a message: a picture's preview (asked once per file), and a
// button per file that opens its download link in a new tab. A file's real
// extension (the stored name's last) is shown apart from its name, in a
// badge: a name stored before the server refused direction overrides
// («report\u202Efdp.exe» shows as «reportexe.pdf») cannot hide an «EXE».
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { fileSize } from '../i18n/units.js';
import { Download, Paperclip } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import type { ThreadActions } from './actions.js';
import type { Msg } from './format.js';

/** The stored name's final extension, upper case, without anything invisible («PDF», «EXE»); '' without one. */
export function fileExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return '';
  const ext = name
    .slice(dot + 1)
    .replace(/[\p{Cc}\p{Cf}\p{Z}]/gu, '')
    .toUpperCase();
  return ext.length > 0 && ext.length <= 8 ? ext : '';
}

export function Attachments({ m, actions }: { m: Msg; actions: ThreadActions }) {
  const [previews, setPreviews] = useState<Record<string, string>>({});
  // A message's files never change: their preview links are asked once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the message's own attachments
  useEffect(() => {
    for (const a of m.attachments ?? []) {
      if (!a.hasPreview || previews[a.fileId ?? '']) continue;
      void actions
        .fileUrl(m, a.fileId ?? '', true)
        .then((url) => url && setPreviews((p) => ({ ...p, [a.fileId ?? '']: url })));
    }
  }, [m.attachments]);
  const open = (fileId: string) =>
    void actions.fileUrl(m, fileId, false).then((url) => {
      if (url) window.open(url, '_blank', 'noopener');
    });
  return (
    <div class="attachments">
      {(m.attachments ?? []).map((a) => (
        <div key={a.fileId} class="file-row">
          {a.hasPreview && previews[a.fileId ?? ''] ? (
            <button type="button" class="file-preview ghost" onClick={() => open(a.fileId ?? '')}>
              <img
                src={previews[a.fileId ?? '']}
                alt={a.name ?? ''}
                width={a.width ?? undefined}
                height={a.height ?? undefined}
              />
            </button>
          ) : null}
          <button type="button" class="file ghost" onClick={() => open(a.fileId ?? '')}>
            {a.hasPreview ? <Download aria-hidden="true" /> : <Paperclip aria-hidden="true" />}
            <span {...userText('file-name')}>{a.name}</span>
            {fileExtension(a.name ?? '') ? (
              <span class="file-ext" title={t('chat.fileType')}>
                {fileExtension(a.name ?? '')}
              </span>
            ) : null}
            <small>{fileSize(a.size)}</small>
          </button>
        </div>
      ))}
    </div>
  );
}
