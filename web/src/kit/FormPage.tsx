// The frame of the small pages before a call (home, join by code, demo).
import type { ComponentChildren } from 'preact';
import { LanguageSwitch } from './LanguageSwitch.js';

export function FormPage({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <main class="page form-page" aria-labelledby="page-title">
      <div class="page-top">
        <span />
        <LanguageSwitch />
      </div>
      <h1 id="page-title">{title}</h1>
      {children}
    </main>
  );
}

/** Goes to the join link the server answered with, on this page's own origin. */
export function goToJoinUrl(joinUrl: string): void {
  const url = new URL(joinUrl);
  location.assign(`${url.pathname}${url.hash}`);
}
