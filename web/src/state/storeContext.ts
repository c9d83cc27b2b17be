// The call store, handed to every component of the call page.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { CallStore } from './callStore.js';

export const StoreContext = createContext<CallStore | null>(null);

export function useStore(): CallStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('no call store');
  return store;
}
