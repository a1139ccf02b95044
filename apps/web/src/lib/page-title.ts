'use client';
// Each page names its tab ("run-name · driftprune"), so that a row of open tabs can be told apart. The layout's
// metadata title ("driftprune") is written by Next when a route's head arrives, which can land after this page's
// effect on a client-side navigation: the page's title is put back whenever something else rewrites it.
import { useEffect } from 'react';

export function usePageTitle(title: string | null | undefined): void {
  useEffect(() => {
    if (!title) return;
    const want = `${title} · driftprune`;
    document.title = want;
    const observer = new MutationObserver(() => {
      if (document.title !== want) document.title = want;
    });
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }, [title]);
}
