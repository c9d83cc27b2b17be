// /: the signed-in person's home: their lessons and meetings (join with one
// tap), their chats, their children and class teachers (with the verified
// mark), and for staff the school's screens. Someone not signed in finds the
// ways in: sign in, a lesson's meeting code, and on a demo server the demo.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AccountPage } from '../account/AccountPage.js';
import { type Person, errorKey, get, post, whoAmI } from '../account/api.js';
import { type AccountKey, ta } from '../account/text.js';
import { lang, t } from '../i18n/index.js';
import { userText } from '../kit/userText.js';

interface HomeData {
  chats: { id: string; title: string; kind: string; unread: number }[];
  lessons: {
    roomId: string;
    title: string;
    startsAt: string;
    durationMinutes: number;
    className: string;
    audience: 'class' | 'parents';
    chatId?: string;
    seq?: number;
  }[];
  teachers: { id: string; name: string; className: string; verified: boolean }[];
}

function when(iso: string): string {
  const d = new Date(iso);
  const locale = lang.value === 'ru' ? 'ru-RU' : 'en-GB';
  const day = new Date(d);
  day.setHours(0, 0, 0, 0);
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  const days = Math.round((day.getTime() - today.getTime()) / 86400_000);
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (days === 0) return `${ta('home.today')}, ${time}`;
  if (days === 1) return `${ta('home.tomorrow')}, ${time}`;
  return `${d.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'long' })}, ${time}`;
}

/** The lesson's call page; the page asks the session for its token (none in the address). */
function lessonHref(roomId: string, chatId: string, seq: number): string {
  return `/room/${encodeURIComponent(roomId)}#chat=${encodeURIComponent(chatId)}&seq=${seq}`;
}

function SignedInHome({ person }: { person: Person }) {
  const [data, setData] = useState<HomeData | null>(null);
  const [error, setError] = useState<AccountKey | null>(null);
  const [regions, setRegions] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    get<HomeData>('/api/account/home')
      .then(setData)
      .catch((err: unknown) => setError(errorKey(err)));
    // Pupils and parents administer no region: they are not asked.
    if (person.role === 'admin' || person.role === 'teacher') {
      get<{ regions: { id: string; name: string }[] }>('/api/activity/regions')
        .then((r) => setRegions(r.regions))
        .catch(() => undefined);
    }
  }, [person.role]);
  const signOut = async () => {
    await post('/api/account/logout').catch(() => undefined);
    location.assign('/login');
  };
  const staff = person.role === 'admin' || person.leads.length > 0;
  return (
    <AccountPage
      title={ta('home.hello', { name: person.name })}
      demo={person.demo}
      wide
      top={
        <button type="button" class="ghost small" onClick={() => void signOut()}>
          {ta('home.signOut')}
        </button>
      }
    >
      <p class="muted">
        {[ta(`role.${person.role}`), person.schoolName, person.classes.map((c) => c.name).join(', ')]
          .filter(Boolean)
          .join(' · ')}
        {person.verified && <span class="verified"> ✓ {ta('home.verified')}</span>}
      </p>
      <p id="error" class="error" role="alert">
        {error ? ta(error) : ''}
      </p>
      <div class="home-grid">
        <section class="card" aria-labelledby="lessons-title">
          <h2 id="lessons-title">{ta('home.lessons')}</h2>
          {data && data.lessons.length === 0 && <p class="muted">{ta('home.noLessons')}</p>}
          <ul class="rows">
            {data?.lessons.map((l) => (
              <li key={l.roomId} class="row lesson" data-room={l.roomId}>
                <div class="row-main">
                  <strong {...userText()}>{l.title}</strong>
                  <span class="hint">
                    {when(l.startsAt)} · {ta('home.minutes', { count: l.durationMinutes })} · {l.className}
                  </span>
                </div>
                {l.chatId && l.seq !== undefined ? (
                  <a class="button primary small" href={lessonHref(l.roomId, l.chatId, l.seq)}>
                    {l.audience === 'parents' ? ta('home.joinMeeting') : ta('home.join')}
                  </a>
                ) : (
                  <span class="hint">{ta('home.childLesson')}</span>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section class="card" aria-labelledby="chats-title">
          <h2 id="chats-title">{ta('home.chats')}</h2>
          {data && data.chats.length === 0 && <p class="muted">{ta('home.noChats')}</p>}
          <ul class="rows">
            {data?.chats.map((c) => (
              <li key={c.id} class="row">
                <a
                  class="row-main chat-link"
                  href={`/messenger#chat=${encodeURIComponent(c.id)}`}
                  data-chat={c.id}
                >
                  <span {...userText()}>{c.title}</span>
                </a>
                {c.unread > 0 && <span class="badge">{ta('home.unread', { count: c.unread })}</span>}
              </li>
            ))}
          </ul>
          <a class="button wide" href="/messenger">
            {ta('home.openMessenger')}
          </a>
        </section>
        {(person.children.length > 0 || (data?.teachers.length ?? 0) > 0) && (
          <section class="card" aria-labelledby="family-title">
            <h2 id="family-title">{person.children.length ? ta('home.children') : ta('home.teachers')}</h2>
            <ul class="rows">
              {person.children.map((c) => (
                <li key={c.id} class="row">
                  <span class="row-main">
                    <span {...userText()}>{c.name}</span> <span class="hint">{c.className}</span>
                  </span>
                </li>
              ))}
            </ul>
            {person.children.length > 0 && (data?.teachers.length ?? 0) > 0 && <h3>{ta('home.teachers')}</h3>}
            <ul class="rows">
              {data?.teachers.map((t) => (
                <li key={t.id} class="row">
                  <span class="row-main">
                    <span {...userText()}>{t.name}</span> <span class="hint">{t.className}</span>
                  </span>
                  {t.verified && <span class="verified">✓ {ta('home.verified')}</span>}
                </li>
              ))}
            </ul>
          </section>
        )}
        <section class="card" aria-labelledby="more-title">
          <h2 id="more-title">{ta('home.school')}</h2>
          <div class="stack">
            {person.role === 'admin' && (
              <a class="button wide" href="/school">
                {ta('home.admin')}
              </a>
            )}
            {person.role !== 'admin' && staff && (
              <a class="button wide" href="/school">
                {ta('home.classCodes')}
              </a>
            )}
            {regions.length > 0 && (
              <a class="button wide" href="/region">
                {t('region.link')}
              </a>
            )}
            <a class="button wide" href="/account">
              {ta('home.devices')}
            </a>
          </div>
        </section>
      </div>
    </AccountPage>
  );
}

function FrontDoor({ demo }: { demo: boolean }) {
  return (
    <AccountPage title={ta('app.title')} demo={demo}>
      <p>{ta('home.frontText')}</p>
      <div class="stack">
        <a class="button primary wide" href="/login">
          {ta('home.signIn')}
        </a>
        <a class="button wide" href="/j">
          {ta('login.lessonCode')}
        </a>
        {demo && (
          <>
            <a class="button wide ghost" href="/school-demo">
              {ta('home.tryDemo')}
            </a>
            <a class="button wide ghost" href="/demo">
              {ta('home.demoLesson')}
            </a>
          </>
        )}
      </div>
    </AccountPage>
  );
}

function Home() {
  const [state, setState] = useState<{ person: Person | null; demo: boolean } | null>(null);
  useEffect(() => {
    Promise.all([whoAmI(), get<{ demo: boolean }>('/api/account/sign-in').catch(() => ({ demo: false }))])
      .then(([me, info]) => setState({ person: me?.person ?? null, demo: info.demo }))
      .catch(() => setState({ person: null, demo: false }));
  }, []);
  if (!state) return null;
  return state.person ? <SignedInHome person={state.person} /> : <FrontDoor demo={state.demo} />;
}

document.documentElement.lang = lang.value;
const root = document.getElementById('app');
if (root) render(<Home />, root);
