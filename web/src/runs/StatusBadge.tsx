export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}

export function Outcome({ passed, error, state }: { passed: boolean | null; error: string | null; state: string }) {
  if (error) return <span className="badge status-failed">error</span>;
  if (passed === true) return <span className="badge pass">pass</span>;
  if (passed === false) return <span className="badge fail">fail</span>;
  return <span className="badge">{state}</span>;
}
