// The frame of the sign-in, home, devices and school pages: the title, the
// language switch, and on a demo server what the demo is (the «Демо» mark
// itself is on every page of a demo server: common/demoMark.ts).
import type { ComponentChildren } from 'preact';
import { LanguageSwitch } from '../kit/LanguageSwitch.js';
import { ta } from './text.js';

export function DemoMark() {
  return (
    <p class="demo-mark" role="note">
      {ta('demo.note')}
    </p>
  );
}

export function AccountPage({
  title,
  demo,
  wide,
  children,
  top,
}: {
  title: string;
  demo: boolean;
  wide?: boolean;
  children: ComponentChildren;
  /** Beside the language switch (a way home, sign-out). */
  top?: ComponentChildren;
}) {
  return (
    <main class={`page account-page${wide ? ' wide-page' : ''}`} aria-labelledby="page-title">
      <div class="page-top">
        <span class="page-top-left">{top}</span>
        <LanguageSwitch />
      </div>
      {demo && <DemoMark />}
      <h1 id="page-title">{title}</h1>
      {children}
    </main>
  );
}
