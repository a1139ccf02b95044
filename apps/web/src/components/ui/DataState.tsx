// What a page shows while its data loads, when the API answered with an error, or when the object does not exist.

export function DataState({
  loading,
  error,
  label,
  missing = false,
}: {
  loading: boolean;
  error: { message: string; code: string } | null;
  label: string;
  /** The query succeeded but the object is not there (or not visible to this user). */
  missing?: boolean;
}) {
  if (error)
    return (
      <p role="alert" className="error">
        Could not load {label}: {error.message} <span className="muted">({error.code})</span>
      </p>
    );
  if (missing)
    return (
      <p role="alert" className="error">
        Not found: {label} does not exist or you have no access to it.
      </p>
    );
  if (loading)
    return (
      <p className="muted" role="status">
        Loading {label}…
      </p>
    );
  return null;
}
