'use client';
// Each page names its tab ("run-name · driftprune"), so that a row of open tabs can be told apart.
import { useEffect } from 'react';

export function usePageTitle(title: string | null | undefined): void {
  useEffect(() => {
    if (title) document.title = `${title} · driftprune`;
  }, [title]);
}
