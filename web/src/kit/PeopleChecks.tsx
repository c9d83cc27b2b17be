// The one list of people with a checkbox each (whom a homework collection
// asks, whom an award goes to): the chosen ones are a set of ids.
import { userText } from './userText.js';

export function PeopleChecks({
  people,
  chosen,
  onChange,
}: {
  people: { id: string; name: string }[];
  chosen: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
}) {
  return (
    <>
      {people.map((p) => (
        <label class="check" key={p.id}>
          <input
            type="checkbox"
            checked={chosen.has(p.id)}
            onChange={(e) => {
              const next = new Set(chosen);
              if ((e.target as HTMLInputElement).checked) next.add(p.id);
              else next.delete(p.id);
              onChange(next);
            }}
          />
          <span {...userText()}>{p.name}</span>
        </label>
      ))}
    </>
  );
}
