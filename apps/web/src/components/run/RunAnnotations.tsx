'use client';
// What people write on a run: a name of their own, tags and notes (updateRun), and deleting it (deleteRun, with a
// second click to confirm). The API checks every value again and answers coded errors, shown here beside the form.
import { useEffect, useState } from 'react';
import { useMutation } from '../../lib/api/hooks.js';
import { DeleteRunDocument, UpdateRunDocument } from '../../gql/graphql.js';

export interface RunAnnotationsProps {
  run: { id: string; name: string; named: boolean; tags: readonly string[]; notes?: string | null; status: string };
  onSaved: (u: { name: string; named: boolean; tags: string[]; notes: string | null }) => void;
  onDeleted: () => void;
}

/** "a, b c,, a" → ["a", "b c"]: tags split on commas (a tag may hold spaces), empty ones and repeats dropped. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
}

export function RunAnnotations({ run, onSaved, onDeleted }: RunAnnotationsProps) {
  const [name, setName] = useState(run.named ? run.name : '');
  const [tags, setTags] = useState(run.tags.join(', '));
  const [notes, setNotes] = useState(run.notes ?? '');
  const [saved, setSaved] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [update, updating] = useMutation(UpdateRunDocument);
  const [remove, removing] = useMutation(DeleteRunDocument);
  useEffect(() => {
    setName(run.named ? run.name : '');
    setTags(run.tags.join(', '));
    setNotes(run.notes ?? '');
  }, [run.id]);
  const active = run.status === 'queued' || run.status === 'running';

  return (
    <form
      className="annotations"
      aria-label="Name, tags and notes"
      onSubmit={async (e) => {
        e.preventDefault();
        setSaved(false);
        // A refused value is shown below (updating.error); nothing else to do with it here.
        const r = await update({ id: run.id, input: { name: name.trim() || null, tags: parseTags(tags), notes: notes.trim() || null } }).catch(() => null);
        if (r?.updateRun) {
          onSaved({ name: r.updateRun.name, named: r.updateRun.named, tags: [...r.updateRun.tags], notes: r.updateRun.notes ?? null });
          setSaved(true);
        }
      }}
    >
      <div className="field">
        <label htmlFor="run-name">Name (empty: named by what its sweep point varies)</label>
        <input id="run-name" type="text" maxLength={200} value={name} placeholder={run.named ? '' : run.name} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="run-tags">Tags (comma separated)</label>
        <input id="run-tags" type="text" value={tags} onChange={(e) => setTags(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="run-notes">Notes</label>
        <textarea id="run-notes" rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </div>
      <div className="toolbar">
        <button type="submit" disabled={updating.loading}>
          Save
        </button>
        {saved && !updating.error ? <span role="status">Saved.</span> : null}
        {!confirming ? (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete run
          </button>
        ) : (
          <>
            <span>Delete this run{active ? ' (it is cancelled first)' : ''}, its metrics and its files?</span>
            <button
              type="button"
              className="danger"
              disabled={removing.loading}
              onClick={async () => {
                const r = await remove({ id: run.id }).catch(() => null);
                if (r?.deleteRun) onDeleted();
              }}
            >
              Yes, delete
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        )}
      </div>
      {updating.error || removing.error ? (
        <p role="alert" className="error">
          {(updating.error ?? removing.error)!.message}
        </p>
      ) : null}
    </form>
  );
}
