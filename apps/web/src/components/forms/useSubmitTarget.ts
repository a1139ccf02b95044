'use client';
// What the run and sweep submit forms share: the project from the URL (remembered as the current one), where the
// submission goes (a new experiment, or an existing one, preset by ?experiment=), and the submit's error handling
// (the API's problems shown by dotted path, its message in an alert).
import { useParams, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import type { ExperimentConfig } from '@driftprune/config';
import { ApiError } from '../../lib/api/client.js';
import { useMutation } from '../../lib/api/hooks.js';
import { rememberProject } from '../../lib/current-project.js';
import { CreateExperimentDocument } from '../../gql/graphql.js';
import { issuesByPath, type Issues } from '../../lib/config-form/state.js';
import type { Target } from './ExperimentTarget.js';

export function useSubmitTarget() {
  const { projectId } = useParams<{ projectId: string }>();
  useEffect(() => rememberProject(projectId), [projectId]);
  const preset = useSearchParams().get('experiment');
  const [target, setTarget] = useState<Target>(preset ? { mode: 'existing', experimentId: preset } : { mode: 'new', name: '', description: '' });
  const [serverIssues, setServerIssues] = useState<Issues>({});
  const [error, setError] = useState<string | null>(null);
  const [createExperiment] = useMutation(CreateExperimentDocument);

  /** The experiment to submit to: the chosen one, or a new one created now with `config`. */
  const experimentFor = async (config: ExperimentConfig): Promise<string> => {
    if (target.mode === 'existing') return target.experimentId;
    const created = await createExperiment({
      input: { projectId, name: target.name.trim() || config.name, description: target.description.trim() || null, config },
    });
    return created.createExperiment.id;
  };

  /** Runs one submission after clearing the last one's errors; a failure shows the API's problems and message. */
  const submit = async (work: () => Promise<void>): Promise<void> => {
    setError(null);
    setServerIssues({});
    try {
      await work();
    } catch (err) {
      if (err instanceof ApiError && err.issues) setServerIssues(issuesByPath(err.issues));
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return { projectId, target, setTarget, serverIssues, error, experimentFor, submit };
}
