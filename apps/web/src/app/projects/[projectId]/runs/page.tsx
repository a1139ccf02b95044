'use client';
// Every run of the project in one table (all experiments), live.
import { useParams } from 'next/navigation';
import { useEffect, useMemo } from 'react';
import { request } from '../../../../lib/api/client.js';
import { useMutation } from '../../../../lib/api/hooks.js';
import { useApi } from '../../../../lib/api/provider.js';
import { rememberProject } from '../../../../lib/current-project.js';
import { CancelRunDocument, ProjectRunsDocument } from '../../../../gql/graphql.js';
import { DataState } from '../../../../components/ui/DataState.js';
import { RunsTable } from '../../../../components/runs/RunsTable.js';
import { toRunRow } from '../../../../components/runs/run-rows.js';
import { useLiveRuns } from '../../../../components/runs/useLiveRuns.js';
import { usePageTitle } from '../../../../lib/page-title.js';

export default function ProjectRunsPage() {
  const { projectId } = useParams<{ projectId: string }>();
  usePageTitle('All runs');
  useEffect(() => rememberProject(projectId), [projectId]);
  const { apiUrl } = useApi();
  const live = useLiveRuns(
    projectId,
    async (after, token) => (await request(apiUrl, token, ProjectRunsDocument, { projectId, first: 200, after })).runs,
    () => true,
    projectId,
  );
  const rows = useMemo(
    () =>
      live.runs.map((r) => {
        const row = toRunRow(r);
        return { ...row, params: { ...row.params, experiment: r.experiment.name } };
      }),
    [live.runs],
  );
  const [cancelRun] = useMutation(CancelRunDocument);
  return (
    <>
      <h1>Runs</h1>
      <p className="muted" role="status">
        {live.loaded && live.loaded.done < live.loaded.total ? `Loading runs: ${live.loaded.done} of ${live.loaded.total}… ` : null}
        {live.live.connected ? 'Live updates on.' : 'Live updates connecting…'}
      </p>
      <DataState loading={live.loading && rows.length === 0} error={live.error} label="runs" />
      {/* Not before the first page of runs: an empty table (and empty groups) would claim there are none. */}
      {live.loading && rows.length === 0 ? null : (
        <RunsTable
          rows={rows}
          projectId={projectId}
          pinnedParams={['experiment', 'paradigm.kind', 'pruning.budget']}
          exportName="project-runs"
          onCancel={async (id) => {
            await cancelRun({ id });
            await live.reload();
          }}
        />
      )}
    </>
  );
}
