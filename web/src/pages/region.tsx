// /region: the monitoring of the regions that name the signed-in person as
// their admin (the seeds' table per school). Anyone else is told the page is
// not theirs; the server refuses them the figures too.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { RegionActivity } from '../../../common/activityView.js';
import { AccountPage } from '../account/AccountPage.js';
import { type Person, errorKey, get, toLogin, whoAmI } from '../account/api.js';
import { type AccountKey, ta } from '../account/text.js';
import { RegionPanel } from '../admin/RegionPanel.js';
import { lang, t } from '../i18n/index.js';

const WEEKS = 8;

function RegionPage({ person }: { person: Person }) {
  const [view, setView] = useState<RegionActivity | null>(null);
  const [error, setError] = useState<AccountKey | null>(null);
  useEffect(() => {
    get<RegionActivity>(`/api/activity/region?weeks=${WEEKS}`)
      .then(setView)
      .catch((err: unknown) => setError(errorKey(err)));
  }, []);
  return (
    <AccountPage
      title={t('region.title')}
      demo={person.demo}
      wide
      top={
        <a class="button ghost small" href="/">
          {ta('admin.back')}
        </a>
      }
    >
      {error === 'error.forbidden' ? (
        <p class="muted region-not-yours">{t('region.notYours')}</p>
      ) : error ? (
        <p class="error" role="alert">
          {ta(error)}
        </p>
      ) : !view ? (
        <p class="muted">{t('activity.loading')}</p>
      ) : (
        view.regions.map((r) => <RegionPanel key={r.id} region={r} />)
      )}
    </AccountPage>
  );
}

function Region() {
  const [person, setPerson] = useState<Person | null>(null);
  useEffect(() => {
    whoAmI()
      .then((me) => (me ? setPerson(me.person) : toLogin()))
      .catch(() => toLogin());
  }, []);
  return person ? <RegionPage person={person} /> : null;
}

document.documentElement.lang = lang.value;
const root = document.getElementById('app');
if (root) render(<Region />, root);
