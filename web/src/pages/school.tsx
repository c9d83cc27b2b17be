// /school: the school's admin screens (the school admin role), or a class
// teacher's own classes' code sheets. People and classes with how each one
// signs in; codes one by one or as a class's PDF sheet; moving a pupil;
// closing someone's sign-in; the e-journal import; teachers, adding one,
// and approving those who applied for the verified mark; the school's own
// award kinds; how long the school's chats keep messages; how much each
// person may keep in «Документы». The server checks
// every right again: this page only hides what the person may not do.
import { useEffect, useState } from 'preact/hooks';
import type { ClassRow, IssuedCode, PersonRow, SchoolView } from '../../../common/schoolView.js';
import { AccountPage } from '../account/AccountPage.js';
import { type Person, errorKey, get, post } from '../account/api.js';
import { renderSignedIn } from '../account/signedIn.js';
import { type AccountKey, ta } from '../account/text.js';
import { ActivityPanel } from '../admin/ActivityPanel.js';
import { AwardKindsPanel } from '../admin/AwardKindsPanel.js';
import { BotsPanel } from '../admin/BotsPanel.js';
import { DocumentsQuotaPanel } from '../admin/DocumentsQuotaPanel.js';
import { ImportPanel } from '../admin/ImportPanel.js';
import { type PersonActions, PersonLine, dateText } from '../admin/PersonLine.js';
import { RetentionPanel } from '../admin/RetentionPanel.js';
import { downloadCodeSheet } from '../admin/codeSheet.js';
import { lang, t } from '../i18n/index.js';
import { ConfirmHost, confirmAction } from '../kit/Confirm.js';
import { userText } from '../kit/userText.js';

type Tab = 'people' | 'import' | 'teachers' | 'activity' | 'awards' | 'retention' | 'documents' | 'bots';

type Say = (key: AccountKey | null, params?: Record<string, string | number>) => void;

function ClassCard({
  c,
  classes,
  admin,
  actions,
  print,
}: {
  c: ClassRow;
  classes: ClassRow[];
  admin: boolean;
  actions: PersonActions;
  print: (c: ClassRow, who: 'pupils' | 'parents') => void;
}) {
  return (
    <section class="card class-card" aria-labelledby={`class-${c.id}`} data-class={c.id}>
      <h2 id={`class-${c.id}`}>{ta('admin.class', { name: c.name })}</h2>
      {c.teacher && <p class="hint">{ta('admin.classTeacher', { name: c.teacher.name })}</p>}
      <div class="button-row">
        <button type="button" class="small" onClick={() => print(c, 'pupils')}>
          {ta('admin.printPupils')}
        </button>
        <button type="button" class="small" onClick={() => print(c, 'parents')}>
          {ta('admin.printParents')}
        </button>
      </div>
      <h3>{ta('admin.pupils')}</h3>
      <ul class="rows">
        {c.pupils.map((p) => (
          <PersonLine
            key={p.id}
            p={p}
            actions={actions}
            admin={admin}
            classes={classes.filter((x) => x.id !== c.id)}
          />
        ))}
      </ul>
      <h3>{ta('admin.parents')}</h3>
      <ul class="rows">
        {c.parents.map((p) => (
          <PersonLine key={p.id} p={p} actions={{ ...actions, move: undefined }} admin={admin} />
        ))}
      </ul>
    </section>
  );
}

function TeachersPanel({
  view,
  actions,
  say,
  reload,
  selfId,
  printTeachers,
}: {
  selfId: string;
  printTeachers: () => void;
  view: SchoolView;
  actions: PersonActions;
  say: Say;
  reload: () => Promise<void>;
}) {
  const [form, setForm] = useState({
    lastName: '',
    firstName: '',
    middleName: '',
    phone: '',
    email: '',
    admin: false,
  });
  const [invitation, setInvitation] = useState<{ code: string; expiresAt: string } | null>(null);
  const field = (k: 'lastName' | 'firstName' | 'middleName' | 'phone' | 'email', label: string) => (
    <label>
      {label}
      <input
        value={form[k]}
        onInput={(e) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );
  const add = async (e: Event) => {
    e.preventDefault();
    try {
      await post('/api/school/teachers', form);
      setForm({ lastName: '', firstName: '', middleName: '', phone: '', email: '', admin: false });
      say('admin.added');
      await reload();
    } catch (err) {
      say(errorKey(err));
    }
  };
  const decide = async (id: string, name: string, approve: boolean) => {
    try {
      await post(`/api/school/verifications/${encodeURIComponent(id)}/${approve ? 'approve' : 'reject'}`);
      if (approve) say('admin.approved', { name });
      await reload();
    } catch (err) {
      say(errorKey(err));
    }
  };
  return (
    <>
      <section class="card" aria-labelledby="verifications-title">
        <h2 id="verifications-title">{ta('admin.verifications')}</h2>
        {view.verifications.length === 0 && <p class="muted">{ta('admin.noVerifications')}</p>}
        <ul class="rows">
          {view.verifications.map((v) => (
            <li key={v.id} class="row" data-request={v.personId}>
              <span class="row-main">
                <span {...userText()}>{v.name}</span> <span class="hint">{dateText(v.createdAt)}</span>
              </span>
              <div class="row-actions">
                <button type="button" class="small primary" onClick={() => void decide(v.id, v.name, true)}>
                  {ta('admin.approve')}
                </button>
                <button type="button" class="small" onClick={() => void decide(v.id, v.name, false)}>
                  {ta('admin.reject')}
                </button>
              </div>
            </li>
          ))}
        </ul>
        <h3>{ta('admin.invitation')}</h3>
        <p class="hint">{ta('admin.invitationText')}</p>
        {invitation && (
          <p class="code-shown">
            {ta('admin.invitationIs', { code: invitation.code, date: dateText(invitation.expiresAt) })}
          </p>
        )}
        <button
          type="button"
          class="small"
          onClick={() =>
            void post<{ code: string; expiresAt: string }>('/api/school/invitation')
              .then(setInvitation)
              .catch((err: unknown) => say(errorKey(err)))
          }
        >
          {ta('admin.newInvitation')}
        </button>
      </section>
      <section class="card" aria-labelledby="teachers-title">
        <h2 id="teachers-title">{ta('admin.teachers')}</h2>
        <p class="hint">{ta('admin.printTeachersText')}</p>
        <div class="button-row">
          <button type="button" class="small" onClick={printTeachers}>
            {ta('admin.printTeachers')}
          </button>
        </div>
        <ul class="rows">
          {[...view.staff, ...view.teachers].map((p) => (
            <PersonLine key={p.id} p={p} actions={actions} admin self={p.id === selfId} />
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="add-teacher-title">
        <h2 id="add-teacher-title">{ta('admin.addTeacher')}</h2>
        <form onSubmit={add} class="add-teacher">
          {field('lastName', ta('setup.lastName'))}
          {field('firstName', ta('setup.firstName'))}
          {field('middleName', ta('setup.middleName'))}
          {field('phone', ta('admin.phone'))}
          {field('email', ta('admin.email'))}
          <label class="check">
            <input
              type="checkbox"
              checked={form.admin}
              onChange={(e) => setForm({ ...form, admin: (e.target as HTMLInputElement).checked })}
            />
            {ta('admin.isAdmin')}
          </label>
          <button type="submit" class="primary" disabled={!form.lastName.trim() || !form.firstName.trim()}>
            {ta('admin.add')}
          </button>
        </form>
      </section>
    </>
  );
}

/** The school's id on this server: what the SSO providers file's `schools` needs (docs/accounts.md). */
function SchoolId({ id }: { id: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <p class="note school-id">
      {ta('admin.schoolId')} <code>{id}</code>{' '}
      <button
        type="button"
        class="button ghost small"
        onClick={() =>
          void navigator.clipboard
            ?.writeText(id)
            .then(() => setCopied(true))
            .catch(() => setCopied(false))
        }
      >
        {ta(copied ? 'admin.schoolIdCopied' : 'admin.schoolIdCopy')}
      </button>
    </p>
  );
}

function SchoolPage({ person }: { person: Person }) {
  const admin = person.role === 'admin';
  const [tab, setTab] = useState<Tab>('people');
  const [view, setView] = useState<SchoolView | null>(null);
  const [message, setMessage] = useState<string>('');
  const [isError, setIsError] = useState(false);
  const say: Say = (key, params) => {
    setIsError(Boolean(key?.startsWith('error.')));
    setMessage(key ? ta(key, params) : '');
  };
  const reload = () =>
    get<SchoolView>('/api/school')
      .then(setView)
      .catch((err: unknown) => say(errorKey(err)));
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once; actions reload it themselves.
  useEffect(() => void reload(), []);

  const locale = lang.value === 'ru' ? 'ru-RU' : 'en-GB';
  // A code given one by one shows in the person's own line, where the admin pressed (a long list on a phone).
  const [issued, setIssued] = useState<{ personId: string; text: string } | null>(null);
  const actions: PersonActions = {
    issued: (p) => (issued?.personId === p.id ? issued.text : null),
    newCode: (p) =>
      void post<{ codes: IssuedCode[] }>('/api/school/codes', { personIds: [p.id] })
        .then(({ codes }) => {
          const c = codes[0]!;
          say(null);
          setIssued({
            personId: p.id,
            text: ta('admin.codeFor', { code: c.code, date: dateText(c.expiresAt) }),
          });
          return reload();
        })
        .catch((err: unknown) => say(errorKey(err))),
    setClosed: async (p, closed) => {
      if (
        closed &&
        !(await confirmAction(ta('admin.deactivateConfirm', { name: p.name }), ta('admin.deactivate')))
      )
        return;
      void post(`/api/school/people/${encodeURIComponent(p.id)}/${closed ? 'deactivate' : 'reactivate'}`)
        .then(() => reload())
        .catch((err: unknown) => say(errorKey(err)));
    },
    move: (p: PersonRow, classId: string) =>
      void post(`/api/school/pupils/${encodeURIComponent(p.id)}/move`, { classId })
        .then(() => {
          say('admin.moved', {
            name: p.name,
            className: view?.classes.find((c) => c.id === classId)?.name ?? '',
          });
          return reload();
        })
        .catch((err: unknown) => say(errorKey(err))),
  };
  const printTeachers = () =>
    void post<{ codes: IssuedCode[] }>('/api/school/teachers/codes')
      .then(async ({ codes }) => {
        if (codes.length === 0) return say('admin.sheetNone');
        const file = await downloadCodeSheet(
          view?.school.name ?? '',
          ta('admin.sheetTeachers'),
          codes,
          locale,
          view?.signInUrl ?? '',
        );
        say('admin.sheetDone', { file });
        await reload();
      })
      .catch((err: unknown) => say(errorKey(err)));
  const print = (c: ClassRow, who: 'pupils' | 'parents') =>
    void post<{ className: string; codes: IssuedCode[] }>(
      `/api/school/classes/${encodeURIComponent(c.id)}/codes`,
      {
        who,
      },
    )
      .then(async (sheet) => {
        if (sheet.codes.length === 0) return say('admin.sheetNone');
        const list = ta(who === 'pupils' ? 'admin.sheetPupils' : 'admin.sheetParents', {
          className: sheet.className,
        });
        const file = await downloadCodeSheet(
          view?.school.name ?? '',
          list,
          sheet.codes,
          locale,
          view?.signInUrl ?? '',
        );
        say('admin.sheetDone', { file });
        await reload();
      })
      .catch((err: unknown) => say(errorKey(err)));

  const tabs: [Tab, string][] = admin
    ? [
        ['people', ta('admin.tabPeople')],
        ['import', ta('admin.tabImport')],
        ['teachers', ta('admin.tabTeachers')],
        ['activity', t('activity.tab')],
        ['awards', t('aw.kinds.tab')],
        ['retention', ta('admin.tabRetention')],
        ['documents', t('docs.quota.tab')],
        ['bots', ta('admin.tabBots')],
      ]
    : [];
  return (
    <AccountPage
      title={admin ? ta('admin.title') : ta('home.classCodes')}
      demo={person.demo}
      wide
      top={
        <a class="button ghost small" href="/">
          {ta('admin.back')}
        </a>
      }
    >
      <p class="muted">{view?.school.name ?? person.schoolName}</p>
      {admin && view && <SchoolId id={view.school.id} />}
      {tabs.length > 0 && (
        <div class="tabs" role="tablist">
          {tabs.map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={tab === id}
              class={tab === id ? 'tab selected' : 'tab'}
              onClick={() => setTab(id)}
            >
              {label}
            </button>
          ))}
        </div>
      )}
      <p class={isError ? 'error' : 'note'} role={isError ? 'alert' : 'status'} id="message">
        {message}
      </p>
      {tab === 'people' && view && (
        <div class="class-grid">
          {view.classes.length === 0 && <p class="muted">{ta('admin.noClasses')}</p>}
          {view.classes.map((c) => (
            <ClassCard
              key={c.id}
              c={c}
              classes={view.classes}
              admin={admin}
              actions={actions}
              print={print}
            />
          ))}
        </div>
      )}
      {tab === 'activity' && admin && <ActivityPanel onError={(key) => say(key)} />}
      {tab === 'import' && admin && <ImportPanel onApplied={() => void reload()} />}
      {tab === 'retention' && admin && <RetentionPanel />}
      {tab === 'documents' && admin && <DocumentsQuotaPanel />}
      {tab === 'bots' && admin && <BotsPanel />}
      {tab === 'awards' && admin && <AwardKindsPanel />}
      {tab === 'teachers' && admin && view && (
        <TeachersPanel
          view={view}
          actions={actions}
          say={say}
          reload={reload}
          selfId={person.id}
          printTeachers={printTeachers}
        />
      )}
      <ConfirmHost />
    </AccountPage>
  );
}

renderSignedIn(SchoolPage);
