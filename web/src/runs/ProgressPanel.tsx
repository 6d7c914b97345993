import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Run } from "../api/types";
import { ErrorBox } from "../components/States";
import { duration, int, plural, usd } from "../components/format";
import { ConfirmDialog } from "../prompts/ConfirmDialog";
import { cancelWords } from "./cancelWords";
import { ENDED, figures } from "./progress";

const TITLES: Record<string, string> = {
  passed: "Answers that passed every assertion",
  failed: "Answers that failed an assertion",
  errors: "Calls that ended in an error, after retries: their assertions were not evaluated",
  cancelled: "Cells never called because the run was cancelled",
};

/** Finished cells, what became of them (passed, failed, errors, cancelled), rate, ETA, cost; cancel. */
export function ProgressPanel({ run }: { run: Run }) {
  const queries = useQueryClient();
  const [asking, setAsking] = useState(false);
  const cancel = useMutation({
    mutationFn: () => api<Run>(`/runs/${run.id}/cancel`, { method: "POST" }),
    onSuccess: (next) => queries.setQueryData(["run", run.id], next),
  });
  const p = run.progress;
  if (!p) return null;
  const f = figures(run.status, p, run.summary);
  const started = run.started_at ? Date.parse(run.started_at) : null;
  const end = run.finished_at ? Date.parse(run.finished_at) : Date.now();
  const seconds = started ? Math.max(0.001, (end - started) / 1000) : 0;
  const rate = started ? f.finished / seconds : 0;
  const eta = rate > 0 ? f.remaining / rate : NaN;
  const live = !ENDED.has(run.status);
  const share = (n: number) => `${(n / Math.max(1, f.total)) * 100}%`;
  const spoken = `${f.finished} of ${plural(f.total, "cell")} finished: ${f.segments.filter((s) => s.count > 0 || s.key !== "cancelled")
    .map((s) => `${s.count} ${s.label.toLowerCase()}`).join(", ")}`;
  const testid: Record<string, string> = { passed: "progress-passed", failed: "progress-failed", errors: "progress-errors", cancelled: "progress-cancelled" };
  return (
    <section className="panel progress" aria-labelledby="progress-title">
      <h2 id="progress-title" className="sr-only">Progress</h2>
      <div className="bar" role="progressbar" aria-label="Cells finished" aria-valuemin={0} aria-valuemax={f.total}
        aria-valuenow={f.finished} aria-valuetext={spoken}>
        {f.segments.map((s) => s.count > 0 && <div key={s.key} className={`seg seg-${s.key}`} style={{ width: share(s.count) }} />)}
      </div>
      <dl className="stats" aria-live="polite">
        <div className="stat-main"><dt>Finished</dt><dd data-testid="progress-done">{int(f.finished)} / {int(f.total)}</dd></div>
        {f.segments.map((s) => (s.key !== "cancelled" || s.count > 0) && (
          <div key={s.key} title={TITLES[s.key]}>
            <dt><span className={`swatch seg-${s.key}`} aria-hidden="true" />{s.label}</dt>
            <dd data-testid={testid[s.key]}>{int(s.count)}</dd>
          </div>
        ))}
        <div><dt>{f.percentLabel}</dt><dd data-testid="progress-percent">{f.percent}%</dd></div>
        <div><dt>Rate</dt><dd>{rate ? `${rate.toFixed(1)} / s` : "—"}</dd></div>
        <div><dt>{live ? "ETA" : "Took"}</dt><dd>{live ? duration(eta) : duration(seconds)}</dd></div>
        <div><dt>{live ? "Cost so far" : "Cost"}</dt><dd>{usd(p.cost)}</dd></div>
      </dl>
      {live && (
        <button type="button" className="danger" disabled={cancel.isPending} onClick={() => setAsking(true)}>
          {cancel.isPending ? "Cancelling…" : "Cancel run"}
        </button>
      )}
      <ConfirmDialog open={asking && live} title="Cancel this run?" confirm="Cancel run" cancel="Keep running" danger
        onCancel={() => setAsking(false)} onConfirm={() => { setAsking(false); cancel.mutate(); }}>
        <p data-testid="cancel-not-run">{cancelWords(p.pending, p.running)}</p>
        <p>A cancelled run cannot be resumed.</p>
      </ConfirmDialog>
      {run.error && <p className="state error" role="alert">{run.error}</p>}
      {cancel.error && <ErrorBox error={cancel.error} title="Could not cancel" />}
    </section>
  );
}
