'use client';
// An experiment's name, description and tags (updateExperiment), and deleting it with its sweeps, runs and files
// (deleteExperiment, a second click to confirm). Refused values show beside the form, as the API words them.
import { useEffect, useState } from 'react';
import { useMutation } from '../../lib/api/hooks.js';
import { DeleteExperimentDocument, UpdateExperimentDocument } from '../../gql/graphql.js';
import { parseTags } from '../run/RunAnnotations.js';

export interface ExperimentAnnotationsProps {
  experiment: { id: string; name: string; description?: string | null; tags: readonly string[]; runCount: number };
  onSaved: (u: { name: string; description: string | null; tags: string[] }) => void;
  onDeleted: () => void;
}

export function ExperimentAnnotations({ experiment, onSaved, onDeleted }: ExperimentAnnotationsProps) {
  const [name, setName] = useState(experiment.name);
  const [description, setDescription] = useState(experiment.description ?? '');
  const [tags, setTags] = useState(experiment.tags.join(', '));
  const [confirming, setConfirming] = useState(false);
  const [saved, setSaved] = useState(false);
  const [update, updating] = useMutation(UpdateExperimentDocument);
  const [remove, removing] = useMutation(DeleteExperimentDocument);
  useEffect(() => {
    setName(experiment.name);
    setDescription(experiment.description ?? '');
    setTags(experiment.tags.join(', '));
  }, [experiment.id]);
  return (
    <form
      aria-label="Edit the experiment"
      onSubmit={async (e) => {
        e.preventDefault();
        setSaved(false);
        // A refused value is shown below (updating.error).
        const r = await update({ id: experiment.id, input: { name: name.trim(), description: description.trim() || null, tags: parseTags(tags) } }).catch(() => null);
        if (r?.updateExperiment) {
          onSaved({ name: r.updateExperiment.name, description: r.updateExperiment.description ?? null, tags: [...r.updateExperiment.tags] });
          setSaved(true);
        }
      }}
    >
      <div className="form-grid">
        <div className="field">
          <label htmlFor="exp-name">Experiment name</label>
          <input id="exp-name" type="text" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="exp-tags">Experiment tags (comma separated)</label>
          <input id="exp-tags" type="text" value={tags} onChange={(e) => setTags(e.target.value)} />
        </div>
      </div>
      <div className="field">
        <label htmlFor="exp-description">Description</label>
        <textarea id="exp-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <div className="toolbar">
        <button type="submit" disabled={updating.loading}>
          Save experiment
        </button>
        {saved && !updating.error ? <span role="status">Saved.</span> : null}
        {!confirming ? (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete experiment
          </button>
        ) : (
          <>
            <span>
              Delete this experiment, its sweeps and its {experiment.runCount} run{experiment.runCount === 1 ? '' : 's'} (running ones are cancelled first) with their files?
            </span>
            <button
              type="button"
              className="danger"
              disabled={removing.loading}
              onClick={async () => {
                const r = await remove({ id: experiment.id }).catch(() => null);
                if (r?.deleteExperiment) onDeleted();
              }}
            >
              Yes, delete everything
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
