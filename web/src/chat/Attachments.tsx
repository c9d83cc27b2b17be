// The files of a message: a picture's preview (asked once per file), and a
// button per file that opens its download link in a new tab; each name with
// its extension badge (kit/FileName.tsx).
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { fileSize } from '../i18n/units.js';
import { FileName } from '../kit/FileName.js';
import { Download, Paperclip } from '../kit/icons.js';
import type { ThreadActions } from './actions.js';
import type { Msg } from './format.js';

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
            <FileName name={a.name ?? ''} />
            <small>{fileSize(a.size)}</small>
          </button>
        </div>
      ))}
    </div>
  );
}
