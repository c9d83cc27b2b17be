// /region: the monitoring of the regions that name the signed-in person as
// their admin (the seeds' table per school). Anyone else is told the page is
// not theirs; the server refuses them the figures too.
import { useEffect, useState } from 'preact/hooks';
import type { RegionActivity } from '../../../common/activityView.js';
import { AccountPage } from '../account/AccountPage.js';
import { type Person, errorKey, get } from '../account/api.js';
import { renderSignedIn } from '../account/signedIn.js';
import { type AccountKey, ta } from '../account/text.js';
import { RegionPanel } from '../admin/RegionPanel.js';
import { t } from '../i18n/index.js';

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

renderSignedIn(RegionPage);
