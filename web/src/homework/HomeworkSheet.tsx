// «Сбор файлов»: the collections of a chat (from its header) or those that
// concern the person (from the messenger's header: a parent's children's, a
// pupil's own, a teacher's), one collection opened (the teacher's table, or
// one's own / one's child's hand-in), and «Создать сбор» for teachers.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Sheet } from '../kit/Sheet.js';
import { ClipboardList, Plus } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import type { MessengerStore, cpb } from '../messenger/messengerStore.js';
import { CollectionForm } from './CollectionForm.js';
import { HandIn } from './HandIn.js';
import { TeacherTable } from './TeacherTable.js';
import { when } from './format.js';
import { type View, getCollection, homeworkScreen, listCollections, mayCollect } from './homeworkActions.js';

export function HomeworkSheet({ store, chatId }: { store: MessengerStore; chatId: string | null }) {
  const chat = chatId ? store.chats.value.get(chatId) : undefined;
  const screen = homeworkScreen.value;
  const setScreen = (s: typeof screen) => {
    homeworkScreen.value = s;
  };
  const [list, setList] = useState<cpb.ICollection[] | null>(null);
  const [view, setView] = useState<View | null>(null);
  const openId = screen.kind === 'open' ? screen.id : null;
  useEffect(() => {
    if (screen.kind === 'list') void listCollections(store, chatId).then(setList);
  }, [store, chatId, screen.kind]);
  useEffect(() => {
    setView(null);
    if (openId) void getCollection(store, openId).then(setView);
  }, [store, openId]);
  const shown = (v: View) => {
    setView(v);
    setScreen({ kind: 'open', id: v.collection?.collectionId ?? '' });
  };
  const back = () => {
    if (screen.kind === 'list') store.sheet.value = null;
    else setScreen({ kind: 'list' });
  };
  const heading =
    screen.kind === 'create'
      ? t('hw.create')
      : screen.kind === 'open'
        ? (view?.collection?.title ?? '')
        : t('hw.title');
  return (
    <Sheet id="homework" title={heading} backLabel={t('hw.back')} onBack={back}>
      {screen.kind === 'create' && chat ? (
        <CollectionForm store={store} chat={chat} done={shown} />
      ) : screen.kind === 'open' ? (
        view && (
          <div class="sheet-body">
            <Header c={view.collection ?? {}} />
            {view.collection?.mine ? (
              <TeacherTable store={store} view={view} changed={shown} />
            ) : (
              <HandIn store={store} view={view} changed={shown} />
            )}
          </div>
        )
      ) : (
        <div class="sheet-body">
          {chat && mayCollect(store) && (
            <button
              type="button"
              class="primary"
              id="hw-create"
              onClick={() => setScreen({ kind: 'create' })}
            >
              <Plus aria-hidden="true" /> {t('hw.create')}
            </button>
          )}
          {list === null ? null : list.length === 0 ? (
            <p class="hw-none">{t('hw.none')}</p>
          ) : (
            <ul class="hw-list">
              {list.map((c) => (
                <li key={c.collectionId}>
                  <button
                    type="button"
                    class="hw-item"
                    onClick={() => setScreen({ kind: 'open', id: c.collectionId ?? '' })}
                  >
                    <ClipboardList aria-hidden="true" />
                    <span class="hw-item-body">
                      <strong {...userText()}>{c.title}</strong>
                      <small>
                        {t('hw.due', { time: when(c.deadline) })}
                        {c.mine
                          ? ` · ${t('hw.count', { submitted: c.submitted ?? 0, assigned: c.assigned ?? 0 })}`
                          : ''}
                        {chatId ? '' : ` · ${c.chatTitle}`}
                      </small>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Sheet>
  );
}

function Header({ c }: { c: cpb.ICollection }) {
  return (
    <div class="hw-head">
      <p class="hw-due">
        <strong>{t('hw.due', { time: when(c.deadline) })}</strong>
        {c.mine ? ` · ${t('hw.count', { submitted: c.submitted ?? 0, assigned: c.assigned ?? 0 })}` : ''}
      </p>
      <p class="hw-by">{t('hw.by', { teacher: c.teacherName ?? '', chat: c.chatTitle ?? '' })}</p>
      {c.description ? <p class="hw-description">{c.description}</p> : null}
    </div>
  );
}
