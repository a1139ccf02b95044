'use client';
// The frame of every page: a skip link, the navigation (a top bar on small screens), and the sign-in guard.
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useApi } from '../lib/api/provider.js';
import { useCurrentProject } from '../lib/current-project.js';

const PUBLIC_PATHS = ['/sign-in'];

export function AppShell({ children }: { children: React.ReactNode }) {
  const { token, signOut } = useApi();
  const pathname = usePathname();
  const router = useRouter();
  const project = useCurrentProject();
  const isPublic = PUBLIC_PATHS.includes(pathname);

  useEffect(() => {
    if (token === '' && !isPublic) router.replace(`/sign-in?next=${encodeURIComponent(pathname)}`);
  }, [token, isPublic, pathname, router]);

  const links: { href: string; label: string }[] = [
    { href: '/projects', label: 'Projects' },
    ...(project
      ? [
          { href: `/projects/${project}`, label: 'Experiments' },
          { href: `/projects/${project}/runs`, label: 'Runs' },
          { href: `/projects/${project}/submit/run`, label: 'Submit run' },
          { href: `/projects/${project}/submit/sweep`, label: 'Submit sweep' },
          { href: `/projects/${project}/compare`, label: 'Compare' },
          { href: `/projects/${project}/datasets`, label: 'Datasets' },
        ]
      : []),
    { href: '/workers', label: 'Workers' },
  ];
  // A project's experiments page is the project's root: only its own path (and experiment pages) mark it current.
  const active = (href: string) =>
    href === `/projects/${project}` ? pathname === href || pathname.startsWith('/experiments/') : pathname === href || (href !== '/projects' && pathname.startsWith(href + '/'));

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/projects" className="brand">
          driftprune
        </Link>
        {token ? (
          <nav aria-label="Main">
            <ul>
              {links.map((l) => (
                <li key={l.href}>
                  <Link href={l.href} aria-current={active(l.href) ? 'page' : undefined}>
                    {l.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        {token ? (
          <button
            type="button"
            className="link-button signout"
            onClick={() => {
              signOut();
              router.replace('/sign-in');
            }}
          >
            Sign out
          </button>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {token === null ? <p className="muted">Loading…</p> : token || isPublic ? children : <p className="muted">Redirecting to sign in…</p>}
      </main>
    </>
  );
}
