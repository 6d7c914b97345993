import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Run } from "../api/types";
import { ErrorBox } from "../components/States";
import { duration, int, usd } from "../components/format";
import { FINISHED } from "../pages/RunsPage";

/** Done, passed, failed, errors, rate, ETA and cost so far, from the run's counts in Postgres; cancel. */
export function ProgressPanel({ run }: { run: Run }) {
  const queries = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => api<Run>(`/runs/${run.id}/cancel`, { method: "POST" }),
    onSuccess: (next) => queries.setQueryData(["run", run.id], next),
  });
  const p = run.progress;
  if (!p) return null;
  const finished = p.done + p.failed + p.cancelled;
  const fraction = p.total ? finished / p.total : 0;
  const started = run.started_at ? Date.parse(run.started_at) : null;
  const end = run.finished_at ? Date.parse(run.finished_at) : Date.now();
  const seconds = started ? Math.max(0.001, (end - started) / 1000) : 0;
  const rate = started ? (p.done + p.failed) / seconds : 0;
  const eta = rate > 0 ? (p.total - finished) / rate : NaN;
  const live = !FINISHED.has(run.status);
  // The API's `failed` counts cells whose call failed; failed assertions come from the summary.
  const failedAssertions = run.summary ? run.summary.reduce((n, r) => n + r.failed, 0) : null;
  return (
    <section className="panel progress" aria-labelledby="progress-title">
      <h2 id="progress-title" className="sr-only">Progress</h2>
      <div className="bar" role="progressbar" aria-label="Cells finished" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={finished}>
        <div className="bar-done" style={{ width: `${(p.done / Math.max(1, p.total)) * 100}%` }} />
        <div className="bar-failed" style={{ width: `${(p.failed / Math.max(1, p.total)) * 100}%` }} />
      </div>
      <dl className="stats" aria-live="polite">
        <div><dt>Done</dt><dd data-testid="progress-done">{int(p.done)} / {int(p.total)}</dd></div>
        <div><dt>Passed</dt><dd data-testid="progress-passed">{int(p.passed)}</dd></div>
        <div title="Answers that failed an assertion"><dt>Failed</dt><dd data-testid="progress-failed">{failedAssertions === null ? "—" : int(failedAssertions)}</dd></div>
        <div title="Calls that ended in an error, after retries"><dt>Errors</dt><dd data-testid="progress-errors">{int(p.failed)}</dd></div>
        {p.cancelled > 0 && <div><dt>Cancelled</dt><dd>{int(p.cancelled)}</dd></div>}
        <div><dt>Rate</dt><dd>{rate ? `${rate.toFixed(1)} / s` : "—"}</dd></div>
        <div><dt>{live ? "ETA" : "Took"}</dt><dd>{live ? duration(eta) : duration(seconds)}</dd></div>
        <div><dt>Cost so far</dt><dd>{usd(p.cost)}</dd></div>
        <div><dt>Complete</dt><dd>{(fraction * 100).toFixed(0)}%</dd></div>
      </dl>
      {live && (
        <button type="button" className="danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
          {cancel.isPending ? "Cancelling…" : "Cancel run"}
        </button>
      )}
      {run.error && <p className="state error" role="alert">{run.error}</p>}
      {cancel.error && <ErrorBox error={cancel.error} title="Could not cancel" />}
    </section>
  );
}
