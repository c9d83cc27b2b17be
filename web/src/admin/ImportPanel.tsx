// The import screen: the e-journal's file (CSV from Excel, Windows-1251
// too, or JSON), first a dry run that says in Russian what would change,
// then "Применить". A file with problems gets every problem listed.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, errorKey, post } from '../account/api.js';
import { type AccountKey, ta } from '../account/text.js';
import { userText } from '../kit/userText.js';

interface Change {
  id: string;
  name: string;
  role: string;
  from?: string;
  to?: string;
  what?: string[];
}

interface Report {
  dryRun: boolean;
  changed: boolean;
  classes: number;
  people: { teachers: number; pupils: number; parents: number };
  diff: {
    added: Change[];
    removed: Change[];
    moved: Change[];
    changed: Change[];
    classes: { added: string[]; removed: string[]; renamed: string[]; teacherChanged: string[] };
  };
  classNames: Record<string, string>;
  chats: { created: number; membersAdded: number; membersRemoved: number };
}

const SHOWN = 12;

function Name({ c }: { c: Change }) {
  return <span {...userText()}>{c.name}</span>;
}

function Names({ list, line }: { list: Change[]; line: (c: Change) => ComponentChildren }) {
  return (
    <ul class="diff-names">
      {list.slice(0, SHOWN).map((c) => (
        <li key={c.id}>{line(c)}</li>
      ))}
      {list.length > SHOWN && <li>… +{list.length - SHOWN}</li>}
    </ul>
  );
}

function ReportView({ r, encoding }: { r: Report; encoding: string }) {
  const cls = (id?: string) => (id ? (r.classNames[id] ?? id) : '');
  const role = (c: Change) => ta(`role.${c.role}` as AccountKey);
  const d = r.diff;
  return (
    <section class="card report" aria-labelledby="report-title">
      <h2 id="report-title">{r.dryRun ? ta('admin.dryTitle') : ta('admin.doneTitle')}</h2>
      <p class="hint">{ta('admin.encoding', { encoding })}</p>
      <p>
        {ta('admin.inFile', {
          classes: r.classes,
          teachers: r.people.teachers,
          pupils: r.people.pupils,
          parents: r.people.parents,
        })}
      </p>
      {!r.changed && <p>{ta('admin.noChanges')}</p>}
      {d.added.length > 0 && (
        <>
          <h3>{ta('admin.added2', { count: d.added.length })}</h3>
          <Names
            list={d.added}
            line={(c) => (
              <>
                + <Name c={c} /> ({role(c)}
                {c.to ? (
                  <>
                    , <span {...userText()}>{cls(c.to)}</span>
                  </>
                ) : null}
                )
              </>
            )}
          />
        </>
      )}
      {d.moved.length > 0 && (
        <>
          <h3>{ta('admin.movedList', { count: d.moved.length })}</h3>
          <Names
            list={d.moved}
            line={(c) => (
              <>
                <Name c={c} />: <span {...userText()}>{cls(c.from)}</span> →{' '}
                <span {...userText()}>{cls(c.to)}</span>
              </>
            )}
          />
        </>
      )}
      {d.removed.length > 0 && (
        <>
          <h3>{ta('admin.removed', { count: d.removed.length })}</h3>
          <Names
            list={d.removed}
            line={(c) => (
              <>
                − <Name c={c} /> ({role(c)})
              </>
            )}
          />
        </>
      )}
      {d.changed.length > 0 && (
        <>
          <h3>{ta('admin.changed', { count: d.changed.length })}</h3>
          <Names list={d.changed} line={(c) => <Name c={c} />} />
        </>
      )}
      {d.classes.added.length > 0 && (
        <p>{ta('admin.newClasses', { list: d.classes.added.map(cls).join(', ') })}</p>
      )}
      {d.classes.removed.length > 0 && (
        <p>{ta('admin.goneClasses', { list: d.classes.removed.map(cls).join(', ') })}</p>
      )}
      <p class="hint">
        {ta('admin.chats', {
          created: r.chats.created,
          added: r.chats.membersAdded,
          removed: r.chats.membersRemoved,
        })}
      </p>
    </section>
  );
}

export function ImportPanel({ onApplied }: { onApplied: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<{ report: Report; encoding: string } | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<AccountKey | null>(null);
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState(false);

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    setProblems([]);
    try {
      const r = await post<{ report: Report; encoding: string }>(
        `/api/school/import${dryRun ? '?dryRun=1' : ''}`,
        undefined,
        await file.arrayBuffer(),
      );
      setResult(r);
      setChecked(dryRun);
      if (!dryRun) onApplied();
    } catch (err) {
      setResult(null);
      setChecked(false);
      if (err instanceof ApiError && Array.isArray(err.body.problems))
        setProblems(err.body.problems as string[]);
      setError(errorKey(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="import-title">
      <h2 id="import-title">{ta('admin.import')}</h2>
      <p class="hint">{ta('admin.importText')}</p>
      <label class="file-pick">
        {ta('admin.chooseFile')}
        <input
          type="file"
          accept=".csv,.json,.txt,text/csv,application/json"
          onChange={(e) => {
            setFile((e.target as HTMLInputElement).files?.[0] ?? null);
            setResult(null);
            setChecked(false);
            setProblems([]);
          }}
        />
      </label>
      <div class="button-row">
        <button type="button" class="primary" disabled={!file || busy} onClick={() => void send(true)}>
          {ta('admin.dryRun')}
        </button>
        <button type="button" disabled={!file || busy || !checked} onClick={() => void send(false)}>
          {ta('admin.apply')}
        </button>
      </div>
      <p id="error" class="error" role="alert">
        {error ? (problems.length ? ta('admin.problems') : ta(error)) : ''}
      </p>
      {problems.length > 0 && (
        <ul class="problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {result && !result.report.dryRun && <p class="note">{ta('admin.applied')}</p>}
      {result && <ReportView r={result.report} encoding={result.encoding} />}
    </section>
  );
}
