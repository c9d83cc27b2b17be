// A file's name as people see it everywhere (a chat's attachments, the
// homework table and hand-in): the name isolated as user text, and its real
// extension (the stored name's last) apart from it in a badge, so a name
// stored before the server refused direction overrides
// («report\u202Efdp.exe» shows as «reportexe.pdf») cannot hide an «EXE».
// The badge's look is `.file-ext` in chat.css, which every page with files loads.
import { t } from '../i18n/index.js';
import { userText } from './userText.js';

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

/** The name (class `file-name`) and, when it has one, the extension badge (class `file-ext`). */
export function FileName({ name }: { name: string }) {
  const ext = fileExtension(name);
  return (
    <>
      <span {...userText('file-name')}>{name}</span>
      {ext ? (
        <span class="file-ext" title={t('chat.fileType')}>
          {ext}
        </span>
      ) : null}
    </>
  );
}
