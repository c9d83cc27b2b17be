// /school-demo: the demo school's classes and people; choosing someone opens
// the messenger as them (their class chats, the parents' chat, the teachers'
// room, and the lesson announced there), so a newcomer tries everything.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type Key, lang, t } from '../i18n/index.js';
import { LanguageSwitch } from '../kit/LanguageSwitch.js';
import { userText } from '../kit/userText.js';

interface DemoPerson {
  id: string;
  name: string;
  role: 'admin' | 'teacher' | 'student' | 'parent';
  about: string;
  classId: string;
}

interface DemoSchool {
  school: { id: string; name: string };
  classes: { id: string; name: string }[];
  people: DemoPerson[];
}

async function enterAs(id: string, fail: (k: Key) => void): Promise<void> {
  try {
    const res = await fetch('/api/demo/school/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: id }),
    });
    const body = (await res.json().catch(() => ({}))) as { messengerUrl?: string };
    if (res.ok && body.messengerUrl) location.assign(body.messengerUrl);
    else fail(res.status === 429 ? 'error.12' : 'schoolDemo.failed');
  } catch {
    fail('common.networkError');
  }
}

function People({ list, onPick }: { list: DemoPerson[]; onPick: (id: string) => void }) {
  return (
    <ul>
      {list.map((p) => (
        <li key={p.id}>
          <button type="button" class="person" data-person={p.id} onClick={() => onPick(p.id)}>
            <span {...userText()}>{p.name}</span>
            {p.about && <small>{p.about}</small>}
          </button>
        </li>
      ))}
    </ul>
  );
}

function SchoolDemo() {
  const [school, setSchool] = useState<DemoSchool | null>(null);
  const [error, setError] = useState<Key | null>(null);
  useEffect(() => {
    fetch('/api/demo/school')
      .then(async (res) => {
        if (res.ok) setSchool((await res.json()) as DemoSchool);
        else setError('schoolDemo.none');
      })
      .catch(() => setError('common.networkError'));
  }, []);
  const pick = (id: string) => void enterAs(id, setError);
  const teachers = school?.people.filter((p) => p.role === 'teacher' || p.role === 'admin') ?? [];
  return (
    <main class="page school-demo" aria-labelledby="page-title">
      <div class="page-top">
        <span />
        <LanguageSwitch />
      </div>
      <h1 id="page-title">{school ? school.school.name : t('schoolDemo.title')}</h1>
      <p>{t('schoolDemo.text')}</p>
      <p id="error" class="error" role="alert">
        {error ? t(error) : ''}
      </p>
      {school && (
        <div class="classes">
          <section aria-labelledby="teachers-title">
            <h2 id="teachers-title">{t('schoolDemo.teachers')}</h2>
            <People list={teachers} onPick={pick} />
          </section>
          {school.classes.map((c) => (
            <section key={c.id} aria-labelledby={`class-${c.id}`} data-class={c.id}>
              <h2 id={`class-${c.id}`}>{t('schoolDemo.class', { name: c.name })}</h2>
              <h3>{t('schoolDemo.pupils')}</h3>
              <People
                list={school.people.filter((p) => p.role === 'student' && p.classId === c.id)}
                onPick={pick}
              />
              <h3>{t('schoolDemo.parents')}</h3>
              <People
                list={school.people.filter((p) => p.role === 'parent' && p.classId === c.id)}
                onPick={pick}
              />
            </section>
          ))}
        </div>
      )}
    </main>
  );
}

document.documentElement.lang = lang.value;
const root = document.getElementById('app');
if (root) render(<SchoolDemo />, root);
