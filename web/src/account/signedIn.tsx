// The one start of a page only a signed-in person sees (devices, the school's
// screens, a region's monitoring): ask who is signed in, send anyone else to
// sign in (coming back here), and render the page for the person.
import { type ComponentType, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { lang } from '../i18n/index.js';
import { type Person, toLogin, whoAmI } from './api.js';

export function renderSignedIn(Page: ComponentType<{ person: Person }>): void {
  function SignedIn() {
    const [person, setPerson] = useState<Person | null>(null);
    useEffect(() => {
      whoAmI()
        .then((me) => (me ? setPerson(me.person) : toLogin()))
        .catch(() => toLogin());
    }, []);
    return person ? <Page person={person} /> : null;
  }
  document.documentElement.lang = lang.value;
  const root = document.getElementById('app');
  if (root) render(<SignedIn />, root);
}
