import type { Result } from "../api/types";
import { ms, usd } from "../components/format";
import { Outcome } from "./StatusBadge";

/** The first failing assertion and why, or the run error. */
export function failure(cell: Result): string | null {
  if (cell.error) return cell.error;
  const failing = cell.grading?.results?.find((g) => !g.passed);
  if (failing) return `${failing.type}: ${failing.reason ?? "failed"}`;
  return cell.passed === false ? cell.grading?.reason ?? "failed" : null;
}

export function ResultCell({ cell }: { cell: Result | undefined }) {
  if (!cell) return <div className="cell-body muted">—</div>;
  const why = failure(cell);
  return (
    <div className="cell-body">
      <div className="cell-head">
        <Outcome passed={cell.passed} error={cell.error} state={cell.state} />
        <span className="muted small">
          {ms(cell.latency_ms)} · {(cell.prompt_tokens ?? 0) + (cell.completion_tokens ?? 0)} tok · {usd(cell.cost)}
          {cell.cached && " · cached"}
        </span>
      </div>
      <div className="cell-output">{cell.output ?? ""}</div>
      {why && <div className="cell-why">{why}</div>}
    </div>
  );
}
