'use client';
// Submit a sweep: a search space over dotted config paths (conditional parameters, per-kind options) plus a base
// experiment (the same schema-driven form). The browser expands it with the shared expandSweep, so every point is
// validated before anything is queued; each problem shows beside the parameter or field that caused it, and Submit
// stays disabled while there is one.
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { discriminatorAt } from '@driftprune/config';
import { useMutation } from '../../../../../lib/api/hooks.js';
import { SubmitSweepDocument } from '../../../../../gql/graphql.js';
import { initialExperiment, previewSweep, validateExperiment, type Issues } from '../../../../../lib/config-form/state.js';
import { parseNumberList } from '../../../../../lib/config-form/fields.js';
import { buildParameters, newRow, otherIssues, rowValues, rowsFromParameters, type ParamRow } from '../../../../../lib/config-form/sweep-rows.js';
import { ConfigForm, IssueSummary } from '../../../../../components/forms/ConfigForm.js';
import { ExperimentTarget } from '../../../../../components/forms/ExperimentTarget.js';
import { fieldId } from '../../../../../components/forms/FieldControl.js';
import { SweepParameters } from '../../../../../components/forms/SweepParameters.js';
import { YamlImport } from '../../../../../components/forms/YamlImport.js';
import { useSubmitTarget } from '../../../../../components/forms/useSubmitTarget.js';
import { usePageTitle } from '../../../../../lib/page-title.js';
import { EarlyStoppingFields, NO_EARLY_STOPPING, earlyStoppingOf, type EarlyStoppingState } from '../../../../../components/forms/EarlyStoppingFields.js';

type Method = 'grid' | 'random' | 'tpe';
const OBJECTIVE_METRICS = ['meanDeltaNEPct', 'maxDeltaNEPct', 'meanNEServing', 'meanServingFlopsRatio', 'servingFlopsRatio'];

/** Base-config problems found while expanding (`base.<path>`), keyed by the config path the base form uses. */
function baseIssuesOf(issues: Issues): Issues {
  return Object.fromEntries(Object.entries(issues).flatMap(([p, ms]) => (p.startsWith('base.') ? [[p.slice(5), ms]] : [])));
}

export function SubmitSweepForm() {
  usePageTitle('Submit a sweep');
  const router = useRouter();
  const { projectId, target, setTarget, serverIssues, error, experimentFor, submit } = useSubmitTarget();
  const [base, setBase] = useState<Record<string, unknown>>(initialExperiment);
  const [name, setName] = useState('sweep');
  const [method, setMethod] = useState<Method>('grid');
  const [initialSamples, setInitialSamples] = useState(4);
  const [objective, setObjective] = useState<{ metric: string; direction: 'minimize' | 'maximize' }>({ metric: 'meanDeltaNEPct', direction: 'minimize' });
  const [early, setEarly] = useState<EarlyStoppingState>(NO_EARLY_STOPPING);
  const [rows, setRows] = useState<ParamRow[]>(() => [newRow({ path: 'pruning.budget', values: '0.5, 0.75' })]);
  const [seeds, setSeeds] = useState('1, 2');
  const [samples, setSamples] = useState(10);
  const [searchSeed, setSearchSeed] = useState(0);
  const [submitSweep, submitting] = useMutation(SubmitSweepDocument);

  const seedList = parseNumberList(seeds);
  const sweep = {
    name,
    method,
    base,
    parameters: buildParameters(rows),
    seeds: seedList ?? seeds,
    samples,
    searchSeed,
    ...(method === 'tpe' ? { initialSamples, objective } : {}),
    ...(early.rule ? { earlyStopping: earlyStoppingOf(early) } : {}),
  };
  const baseCheck = useMemo(() => validateExperiment(base), [base]);
  const preview = useMemo(() => previewSweep(sweep), [JSON.stringify(sweep)]);
  const sweepIssues: Issues = { ...(preview.ok ? {} : preview.issues), ...serverIssues };
  const baseIssues: Issues = { ...(baseCheck.ok ? {} : baseCheck.issues), ...baseIssuesOf(sweepIssues) };
  const rest = otherIssues(
    Object.fromEntries(Object.entries(sweepIssues).filter(([p]) => !p.startsWith('base.'))),
    rows,
  );
  const problems = Object.keys(sweepIssues).length + Object.keys(baseCheck.ok ? {} : baseCheck.issues).length;
  const ready = baseCheck.ok && preview.ok;
  // While a discriminator (paradigm.kind) is swept, its section of the base form would show one kind only: the
  // search space shows every swept kind's options instead.
  const sweptUnions = rows.filter((r) => r.mode === 'values' && discriminatorAt(r.path.trim())).map((r) => ({ row: r, union: discriminatorAt(r.path.trim())! }));
  const replaced = Object.fromEntries(
    sweptUnions.map(({ row, union }) => [
      union.path,
      <p key={union.path} className="muted" data-testid={`swept-${union.path}`}>
        {row.path.trim()} is swept over {rowValues(row).map(String).join(', ') || 'no values yet'}: each one&apos;s options are set in the search space above
        (Parameter {rows.indexOf(row) + 1}).
      </p>,
    ]),
  );

  const loadSweep = (v: Record<string, unknown>) => {
    if (typeof v.name === 'string') setName(v.name);
    if (v.method === 'grid' || v.method === 'random' || v.method === 'tpe') setMethod(v.method);
    if (typeof v.initialSamples === 'number') setInitialSamples(v.initialSamples);
    if (v.objective && typeof v.objective === 'object') setObjective({ metric: 'meanDeltaNEPct', direction: 'minimize', ...(v.objective as object) });
    if (v.earlyStopping && typeof v.earlyStopping === 'object') setEarly({ ...NO_EARLY_STOPPING, ...(v.earlyStopping as Partial<EarlyStoppingState>) });
    if (Array.isArray(v.seeds)) setSeeds(v.seeds.join(', '));
    if (typeof v.samples === 'number') setSamples(v.samples);
    if (typeof v.searchSeed === 'number') setSearchSeed(v.searchSeed);
    if (v.parameters !== undefined) setRows(rowsFromParameters(v.parameters));
    if (v.base && typeof v.base === 'object' && !Array.isArray(v.base)) {
      const b = validateExperiment(v.base);
      setBase(b.ok ? (structuredClone(b.config) as Record<string, unknown>) : (v.base as Record<string, unknown>));
    }
  };

  return (
    <>
      <h1>Submit a sweep</h1>
      <p className="muted">
        A sweep runs the base experiment once per point of the search space and per seed. Each point is checked with the shared schema before it is
        queued.
      </p>
      <form
        noValidate
        aria-label="Submit a sweep"
        className="sweep-form"
        onSubmit={async (e) => {
          e.preventDefault();
          await submit(async () => {
            if (!baseCheck.ok || !preview.ok) return;
            const experimentId = await experimentFor(baseCheck.config);
            await submitSweep({ input: { experimentId, sweep: { ...sweep, base: baseCheck.config } } });
            router.push(`/experiments/${experimentId}`);
          });
        }}
      >
        <ExperimentTarget projectId={projectId} target={target} onChange={setTarget} onLoadConfig={(c) => setBase(c as Record<string, unknown>)} />
        <YamlImport id="sweep-import" what="a whole sweep (name, method, seeds, parameters, base)" onLoad={loadSweep} />

        <fieldset id="sweep-space">
          <legend>Search space</legend>
          <div className="form-grid">
            <div className="field">
              <label htmlFor="sweep-name">Sweep name</label>
              <input id="sweep-name" type="text" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="sweep-method">Method</label>
              <select id="sweep-method" value={method} onChange={(e) => setMethod(e.target.value as Method)} aria-describedby="sweep-method-help">
                <option value="grid">grid</option>
                <option value="random">random</option>
                <option value="tpe">tpe (proposes from completed points)</option>
              </select>
              <p id="sweep-method-help" className="help">
                grid: every combination of the listed values. random: draw “samples” points; ranges allowed. tpe: “initial samples” random points, then each new point
                proposed from the completed ones (Tree-structured Parzen Estimator) until “samples”.
              </p>
            </div>
            <div className="field">
              <label htmlFor="sweep-seeds">Seeds</label>
              <input id="sweep-seeds" type="text" value={seeds} onChange={(e) => setSeeds(e.target.value)} aria-describedby="sweep-seeds-help" aria-invalid={seedList === null || !!sweepIssues.seeds || undefined} />
              <p id="sweep-seeds-help" className="help">
                Each point runs once per seed, e.g. 1, 2, 3; the runs table averages over them.
              </p>
              {sweepIssues.seeds ? <p className="field-error">{sweepIssues.seeds.join('; ')}</p> : null}
            </div>
            {method !== 'grid' ? (
              <>
                <div className="field">
                  <label htmlFor="sweep-samples">Samples</label>
                  <input id="sweep-samples" type="number" min={1} max={10000} value={samples} onChange={(e) => setSamples(Number(e.target.value))} />
                </div>
                <div className="field">
                  <label htmlFor="sweep-search-seed">Search seed</label>
                  <input id="sweep-search-seed" type="number" min={0} value={searchSeed} onChange={(e) => setSearchSeed(Number(e.target.value))} />
                </div>
              </>
            ) : null}
            {method === 'tpe' ? (
              <>
                <div className="field">
                  <label htmlFor="sweep-initial-samples">Initial samples</label>
                  <input id="sweep-initial-samples" type="number" min={1} max={10000} value={initialSamples} onChange={(e) => setInitialSamples(Number(e.target.value))} aria-invalid={!!sweepIssues.initialSamples || undefined} />
                  {sweepIssues.initialSamples ? <p className="field-error">{sweepIssues.initialSamples.join('; ')}</p> : null}
                </div>
                <div className="field">
                  <label htmlFor="sweep-objective">Objective</label>
                  <span className="field-inline">
                    <select id="sweep-objective" value={objective.direction} onChange={(e) => setObjective((o) => ({ ...o, direction: e.target.value as 'minimize' | 'maximize' }))} aria-label="Objective direction">
                      <option value="minimize">minimize</option>
                      <option value="maximize">maximize</option>
                    </select>
                    <select value={objective.metric} onChange={(e) => setObjective((o) => ({ ...o, metric: e.target.value }))} aria-label="Objective metric">
                      {OBJECTIVE_METRICS.map((m) => (
                        <option key={m} value={m}>
                          {m}
                        </option>
                      ))}
                    </select>
                  </span>
                </div>
              </>
            ) : null}
          </div>
          <EarlyStoppingFields value={early} onChange={setEarly} issues={sweepIssues} />
          <SweepParameters rows={rows} onChange={setRows} base={base} issues={sweepIssues} method={method} />
          <div aria-live="polite" data-testid="sweep-preview">
            {preview.ok ? (
              <p className="notice">
                <strong>{preview.points.length}</strong> run{preview.points.length === 1 ? '' : 's'} will be queued
                {preview.points.length > 0
                  ? `: ${preview.points
                      .slice(0, 6)
                      .map((p) => Object.entries(p.params).map(([k, v]) => `${k}=${String(v)}`).join(' '))
                      .join(' | ')}${preview.points.length > 6 ? ' | …' : ''}`
                  : ''}
              </p>
            ) : null}
          </div>
          <IssueSummary issues={rest} title="Problems in the sweep" />
        </fieldset>

        <h2>Base experiment</h2>
        <YamlImport what="the base experiment config" onLoad={setBase} />
        <ConfigForm value={base} onChange={setBase} issues={baseIssues} replaced={replaced} />

        <div className="submit-bar">
          <button type="submit" disabled={submitting.loading || !ready} aria-describedby="submit-state">
            {submitting.loading ? 'Submitting…' : `Submit sweep${preview.ok ? ` (${preview.points.length} runs)` : ''}`}
          </button>
          <span id="submit-state" className={ready ? 'muted' : 'error'} aria-live="polite" data-testid="submit-state">
            {ready ? 'Every point is valid.' : `${problems} problem${problems === 1 ? '' : 's'} to fix (shown beside each)`}
          </span>
          {!ready ? (
            <a href={firstProblemAnchor(sweepIssues, baseIssues, rows)} className="link-button">
              go to the first
            </a>
          ) : null}
          {error ? (
            <p role="alert" className="error">
              {error}
            </p>
          ) : null}
        </div>
      </form>
    </>
  );
}

/** Where "go to the first problem" jumps: a parameter's card, the search space, or a base field. */
function firstProblemAnchor(sweepIssues: Issues, baseIssues: Issues, rows: readonly ParamRow[]): string {
  for (const p of Object.keys(sweepIssues)) {
    const row = rows.find((r) => r.path.trim() && (p === `parameters.${r.path.trim()}` || p.startsWith(`parameters.${r.path.trim()}.`)));
    if (row) return `#param-path-${row.key}`;
    if (!p.startsWith('base.')) return '#sweep-space';
  }
  const first = Object.keys(baseIssues)[0];
  return first ? `#${fieldId(first)}` : '#sweep-space';
}
