'use client';
import Link from 'next/link';
import { useState } from 'react';
import { useMutation, useQuery } from '../../lib/api/hooks.js';
import { CreateProjectDocument, ProjectsDocument } from '../../gql/graphql.js';
import { DataState } from '../../components/ui/DataState.js';
import { usePageTitle } from '../../lib/page-title.js';

export default function ProjectsPage() {
  usePageTitle('Projects');
  const projects = useQuery(ProjectsDocument, {});
  const [create, creating] = useMutation(CreateProjectDocument);
  const [name, setName] = useState('');

  return (
    <>
      <h1>Projects</h1>
      <DataState loading={projects.loading} error={projects.error} label="projects" />
      {projects.data ? (
        projects.data.projects.length === 0 ? (
          <p className="empty">You are not a member of any project yet. Create one below.</p>
        ) : (
          <ul className="cards" aria-label="Projects">
            {projects.data.projects.map((p) => (
              <li key={p.id} className="card" style={{ listStyle: 'none' }}>
                <h2>
                  <Link href={`/projects/${p.id}`}>{p.name}</Link>
                </h2>
                <dl className="kv">
                  <dt>slug</dt>
                  <dd className="mono">{p.slug}</dd>
                  <dt>your role</dt>
                  <dd>{p.role}</dd>
                  <dt>created</dt>
                  <dd>{new Date(p.createdAt).toLocaleString()}</dd>
                </dl>
              </li>
            ))}
          </ul>
        )
      ) : null}
      <form
        className="panel toolbar"
        style={{ marginTop: '1.5rem' }}
        onSubmit={async (e) => {
          e.preventDefault();
          await create({ input: { name: name.trim() } });
          setName('');
          await projects.refetch();
        }}
      >
        <div className="field" style={{ marginBottom: 0 }}>
          <label htmlFor="new-project">New project name</label>
          <input id="new-project" type="text" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </div>
        <button type="submit" disabled={creating.loading || name.trim() === ''}>
          Create project
        </button>
        {creating.error ? (
          <p role="alert" className="error">
            {creating.error.message}
          </p>
        ) : null}
      </form>
    </>
  );
}
