'use client';
// Where a submitted run or sweep goes: an existing experiment of the project, or a new one created with the config.
import { request } from '../../lib/api/client.js';
import { useQuery } from '../../lib/api/hooks.js';
import { useApi } from '../../lib/api/provider.js';
import { ExperimentDocument, ProjectExperimentsDocument } from '../../gql/graphql.js';

export type Target = { mode: 'existing'; experimentId: string } | { mode: 'new'; name: string; description: string };

export function ExperimentTarget({ projectId, target, onChange, onLoadConfig }: {
  projectId: string;
  target: Target;
  onChange: (t: Target) => void;
  /** Called with an existing experiment's config, so the form can start from it. */
  onLoadConfig?: (config: unknown) => void;
}) {
  const list = useQuery(ProjectExperimentsDocument, { projectId, first: 100, sort: { field: 'CREATED_AT', direction: 'DESC' } });
  const experiments = list.data?.experiments.nodes ?? [];
  return (
    <fieldset>
      <legend>Experiment</legend>
      <div className="field-inline" role="radiogroup" aria-label="Experiment" style={{ gap: '1.25rem', marginBottom: '0.6rem' }}>
        <label className="field-inline">
          <input type="radio" name="target" checked={target.mode === 'new'} onChange={() => onChange({ mode: 'new', name: '', description: '' })} /> New experiment
        </label>
        <label className="field-inline">
          <input
            type="radio"
            name="target"
            checked={target.mode === 'existing'}
            disabled={experiments.length === 0}
            onChange={() => onChange({ mode: 'existing', experimentId: experiments[0]?.id ?? '' })}
          />{' '}
          Existing experiment
        </label>
      </div>
      {target.mode === 'new' ? (
        <div className="form-grid">
          <div className="field">
            <label htmlFor="exp-name">
              Experiment name <span aria-hidden="true">*</span>
            </label>
            <input id="exp-name" type="text" required maxLength={200} value={target.name} onChange={(e) => onChange({ ...target, name: e.target.value })} />
            <p className="help">Empty: the config&apos;s name is used.</p>
          </div>
          <div className="field">
            <label htmlFor="exp-description">Description</label>
            <input id="exp-description" type="text" value={target.description} onChange={(e) => onChange({ ...target, description: e.target.value })} />
          </div>
        </div>
      ) : (
        <div className="field">
          <label htmlFor="exp-existing">Experiment</label>
          <select id="exp-existing" value={target.experimentId} onChange={(e) => onChange({ mode: 'existing', experimentId: e.target.value })}>
            {experiments.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name} ({e.paradigm}, {e.runCount} runs)
              </option>
            ))}
          </select>
          {onLoadConfig ? (
            <p className="help">
              The form keeps its values;{' '}
              <LoadConfigButton experimentId={target.experimentId} onLoad={onLoadConfig} /> to start from this experiment&apos;s config.
            </p>
          ) : null}
        </div>
      )}
    </fieldset>
  );
}

function LoadConfigButton({ experimentId, onLoad }: { experimentId: string; onLoad: (c: unknown) => void }) {
  const { apiUrl, token } = useApi();
  return (
    <button
      type="button"
      className="link-button"
      onClick={async () => {
        const d = await request(apiUrl, token, ExperimentDocument, { id: experimentId });
        if (d.experiment) onLoad(d.experiment.config);
      }}
    >
      load its config
    </button>
  );
}
