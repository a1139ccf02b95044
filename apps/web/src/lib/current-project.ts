'use client';
// The project the user last opened, so that project-scoped links (datasets, submit, compare) work from any page.
import { useEffect, useState } from 'react';

const KEY = 'driftprune.project';
const EVENT = 'driftprune:project';

export function rememberProject(id: string): void {
  if (window.localStorage.getItem(KEY) === id) return;
  window.localStorage.setItem(KEY, id);
  window.dispatchEvent(new Event(EVENT));
}

export function useCurrentProject(): string | null {
  const [id, setId] = useState<string | null>(null);
  useEffect(() => {
    const read = () => setId(window.localStorage.getItem(KEY));
    read();
    window.addEventListener(EVENT, read);
    window.addEventListener('storage', read);
    return () => {
      window.removeEventListener(EVENT, read);
      window.removeEventListener('storage', read);
    };
  }, []);
  return id;
}
