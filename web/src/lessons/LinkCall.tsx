// "Создать звонок по ссылке" (#24): a room of its own whose link, code and
// password the teacher copies anywhere (a letter, the e-journal, paper), and
// their own way in as host.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Copy, Link } from '../kit/icons.js';
import type { MessengerStore, cpb } from '../messenger/messengerStore.js';
import { goToCall } from './callActions.js';

function CopyRow({ label, value, id }: { label: string; value: string; id: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="link-call-row">
      <span class="link-call-label">{label}</span>
      <code id={id}>{value}</code>
      <button
        type="button"
        class="ghost icon-only"
        aria-label={`${t('lesson.copyOne')}: ${label}`}
        title={copied ? t('lesson.copied') : `${t('lesson.copyOne')}: ${label}`}
        onClick={() =>
          void navigator.clipboard
            ?.writeText(value)
            .then(() => setCopied(true))
            .catch(() => undefined)
        }
      >
        <Copy aria-hidden="true" />
      </button>
    </div>
  );
}

export function LinkCall({ store }: { store: MessengerStore }) {
  const [call, setCall] = useState<cpb.ILinkCall | null>(null);
  const [busy, setBusy] = useState(false);
  if (!call) {
    return (
      <button
        type="button"
        class="primary wide link-call-create"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          const r = await store.run(() =>
            store.chat.request({ createLinkCall: { title: t('lesson.linkCallTitle') } }),
          );
          setBusy(false);
          if (r?.linkCall) setCall(r.linkCall);
        }}
      >
        <Link aria-hidden="true" /> {t('lesson.linkCall')}
      </button>
    );
  }
  return (
    <section class="link-call" aria-labelledby="link-call-head">
      <h3 id="link-call-head">{t('lesson.linkCallReady')}</h3>
      <CopyRow label={t('lesson.link')} value={call.shortLink ?? ''} id="link-call-link" />
      <CopyRow label={t('lesson.code')} value={call.code ?? ''} id="link-call-code" />
      <CopyRow label={t('lesson.password')} value={call.password ?? ''} id="link-call-password" />
      <button type="button" class="primary wide" onClick={() => goToCall(call.joinUrl)}>
        {t('lesson.enterCall')}
      </button>
    </section>
  );
}
