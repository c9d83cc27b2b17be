// For those who run the lesson: how others join it — the short link, the
// meeting code and the password (a guest types them at /j), each with a copy
// button, and all of it as one text to paste into a chat or a letter. A
// teacher otherwise never sees the code of their own lesson.
import { useEffect, useState } from 'preact/hooks';
import { type Key, t } from '../i18n/index.js';
import { Copy, UserPlus } from '../kit/icons.js';
import { type Invitation, loadInvitation } from '../state/invitation.js';
import { useStore } from '../state/storeContext.js';
import type { PanelDef } from './panelDef.js';

function CopyLine({ id, label, value }: { id: string; label: Key; value: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 2500);
    } catch {
      // No clipboard (a page without HTTPS): the value is on screen to select by hand.
    }
  };
  return (
    <div class="invite-line" id={`invite-${id}`}>
      <span class="invite-label">{t(label)}</span>
      <output class="invite-value">{value}</output>
      <button
        type="button"
        class="small"
        aria-label={`${t('invite.copy')}: ${t(label)}`}
        onClick={() => void copy()}
      >
        <Copy aria-hidden="true" /> {copied ? t('invite.copied') : t('invite.copy')}
      </button>
    </div>
  );
}

function InvitePanelBody() {
  const store = useStore();
  const [inv, setInv] = useState<Invitation | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    void loadInvitation(store).then((i) => (i ? setInv(i) : setFailed(true)));
  }, [store]);

  if (failed) return <p class="hint">{t('invite.failed')}</p>;
  if (!inv) return <p class="hint">{t('invite.loading')}</p>;
  const all = t('invite.text', { title: inv.title, link: inv.link, code: inv.code, password: inv.password });
  return (
    <section class="panel-section" id="invite-section">
      <p class="hint">{t('invite.explain')}</p>
      <CopyLine id="link" label="invite.link" value={inv.link} />
      <CopyLine id="code" label="invite.code" value={inv.code} />
      {inv.password ? <CopyLine id="password" label="invite.password" value={inv.password} /> : null}
      <CopyLine id="all" label="invite.all" value={all} />
    </section>
  );
}

export const invitePanel: PanelDef = {
  id: 'invite',
  title: 'invite.title',
  short: 'invite.title',
  icon: UserPlus,
  component: InvitePanelBody,
  place: 'more',
  available: (store) => store.roster.isModerator,
};
