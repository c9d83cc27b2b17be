// Shows the open panel: beside the stage on a wide screen, over it on a phone.
import { useEffect } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { X } from '../kit/icons.js';
import { useStore } from '../state/storeContext.js';
import { openPanel } from '../state/viewState.js';
import { panels } from './registry.js';

export function PanelHost() {
  const store = useStore();
  const panel = panels.find((p) => p.id === openPanel.value && p.available(store));
  // A panel that is no longer this person's (a right taken back) closes for good,
  // rather than coming back by itself when the right returns.
  const gone = openPanel.value !== null && !panel;
  useEffect(() => {
    if (gone) openPanel.value = null;
  }, [gone]);
  if (!panel) return null;
  const close = () => {
    openPanel.value = null;
    document.getElementById(`${panel.id}-button`)?.focus();
  };
  return (
    <aside
      class="panel"
      id={`panel-${panel.id}`}
      aria-labelledby={`panel-${panel.id}-title`}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !(e.target as HTMLElement).closest('.menu')) close();
      }}
    >
      <div class="panel-head">
        <h2 id={`panel-${panel.id}-title`}>{t(panel.title)}</h2>
        <button
          type="button"
          class="icon-only ghost"
          aria-label={t('panel.close')}
          title={t('panel.close')}
          onClick={close}
        >
          <X aria-hidden="true" />
        </button>
      </div>
      <div class="panel-body">
        <panel.component />
      </div>
    </aside>
  );
}
