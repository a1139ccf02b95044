'use client';
// Submit one run: the experiment config as a form from the shared schema, validated in the browser with that schema
// and again by the API, which answers problems with their dotted paths.
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { useMutation } from '../../../../../lib/api/hooks.js';
import { SubmitRunDocument } from '../../../../../gql/graphql.js';
import { initialExperiment, validateExperiment, type Issues } from '../../../../../lib/config-form/state.js';
import { ConfigForm, IssueSummary } from '../../../../../components/forms/ConfigForm.js';
import { ExperimentTarget } from '../../../../../components/forms/ExperimentTarget.js';
import { YamlImport } from '../../../../../components/forms/YamlImport.js';
import { useSubmitTarget } from '../../../../../components/forms/useSubmitTarget.js';
import { usePageTitle } from '../../../../../lib/page-title.js';

export function SubmitRunForm() {
  usePageTitle('Submit a run');
  const router = useRouter();
  const { projectId, target, setTarget, serverIssues, error, experimentFor, submit } = useSubmitTarget();
  const [raw, setRaw] = useState<Record<string, unknown>>(initialExperiment);
  const [priority, setPriority] = useState(0);
  const [maxAttempts, setMaxAttempts] = useState(3);
  const [touched, setTouched] = useState(false);
  const [submitRun, submitting] = useMutation(SubmitRunDocument);

  const check = useMemo(() => validateExperiment(raw), [raw]);
  const issues: Issues = { ...(check.ok ? {} : check.issues), ...serverIssues };

  return (
    <>
      <h1>Submit a run</h1>
      <p className="muted">Every field comes from the shared config schema; the same schema checks it here, in the API and in the worker.</p>
      <form
        noValidate
        aria-label="Submit a run"
        onSubmit={async (e) => {
          e.preventDefault();
          setTouched(true);
          await submit(async () => {
            if (!check.ok) return;
            const experimentId = await experimentFor(check.config);
            const r = await submitRun({ input: { experimentId, config: check.config, priority, maxAttempts } });
            router.push(`/runs/${r.submitRun.id}`);
          });
        }}
      >
        <ExperimentTarget projectId={projectId} target={target} onChange={setTarget} onLoadConfig={(c) => setRaw(c as Record<string, unknown>)} />
        <YamlImport what="the experiment config" onLoad={setRaw} />
        <ConfigForm value={raw} onChange={setRaw} issues={touched ? issues : check.ok ? {} : issues} />
        <fieldset>
          <legend>Queue</legend>
          <div className="form-grid">
            <div className="field">
              <label htmlFor="priority">Priority</label>
              <input id="priority" type="number" min={0} max={100} step={1} value={priority} onChange={(e) => setPriority(Number(e.target.value))} aria-describedby="priority-help" />
              <p id="priority-help" className="help">
                0–100; higher runs first.
              </p>
            </div>
            <div className="field">
              <label htmlFor="max-attempts">Max attempts</label>
              <input id="max-attempts" type="number" min={1} max={10} step={1} value={maxAttempts} onChange={(e) => setMaxAttempts(Number(e.target.value))} aria-describedby="attempts-help" />
              <p id="attempts-help" className="help">
                1–10; a run that fails is retried from its last checkpoint until then.
              </p>
            </div>
          </div>
        </fieldset>
        <IssueSummary issues={issues} />
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={submitting.loading}>
          {submitting.loading ? 'Submitting…' : 'Submit run'}
        </button>{' '}
        {check.ok ? <span className="muted">The config is valid.</span> : <span className="error">{Object.keys(check.issues).length} problem(s) in the config.</span>}
      </form>
    </>
  );
}
