import { useEffect, useRef, type KeyboardEvent } from "react";
import type { Assertion, Result, Run } from "../api/types";
import { TextDiff } from "../components/TextDiff";
import { ms, plural, show, usd } from "../components/format";
import { assertionRows, expectedOf, foundIn, SEARCHED } from "./cellAssertions";
import { Outcome } from "./StatusBadge";

/** A result as the API sends it: with its case's own assertions (`assert`). */
type CellWithCase = Result & { assert?: Assertion[] };

const OUTCOME_CLASS: Record<string, string> = { pass: "badge pass", fail: "badge fail", "not evaluated": "badge", pending: "badge" };

/**
 * A full-screen view of one cell: an error first when its call failed, every assertion (graded,
 * or why not), and the output diffed with what was expected. `onPrev` / `onNext` step to the
 * neighbouring cells (buttons, `[` / `]`, Alt+← / Alt+→); leave one out at an end.
 */
export function CellView({ cell, run, onClose, onPrev, onNext }: {
  cell: Result;
  run: Run;
  onClose: () => void;
  onPrev?: () => void;
  onNext?: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => { dialog.current?.showModal(); }, []);
  useEffect(() => { dialog.current?.scrollTo?.({ top: 0 }); }, [cell.cell_id]);
  const assertions = (cell as CellWithCase).assert ?? [];
  const rows = assertionRows(cell, assertions);
  const expected = cell.error ? undefined : expectedOf(assertions);
  const stepping = Boolean(onPrev || onNext);
  const repeat = run.repeats > 1 ? ` · repeat ${cell.repeat + 1}` : "";

  function onKey(e: KeyboardEvent<HTMLDialogElement>) {
    const back = e.key === "[" || (e.altKey && e.key === "ArrowLeft");
    const forward = e.key === "]" || (e.altKey && e.key === "ArrowRight");
    const go = back ? onPrev : forward ? onNext : undefined;
    if (!go) return;
    e.preventDefault(); // Alt+← would otherwise take the browser back a page
    go();
  }

  return (
    <dialog ref={dialog} className="cell-view" aria-labelledby="cell-title" onClose={onClose} onKeyDown={onKey}>
      <header className="cell-view-head">
        <h2 id="cell-title">Case {cell.case_position + 1} · {cell.provider} · {cell.prompt_label}{repeat}</h2>
        <div className="cell-view-actions">
          {stepping && (
            <>
              <button type="button" onClick={onPrev} disabled={!onPrev} aria-keyshortcuts="[ Alt+ArrowLeft" title="Previous cell ([ or Alt+←)">
                <span aria-hidden="true">← </span>Previous
              </button>
              <button type="button" onClick={onNext} disabled={!onNext} aria-keyshortcuts="] Alt+ArrowRight" title="Next cell (] or Alt+→)">
                Next<span aria-hidden="true"> →</span>
              </button>
            </>
          )}
          <button type="button" onClick={() => dialog.current?.close()} autoFocus>Close</button>
        </div>
      </header>
      <p>
        <Outcome passed={cell.passed} error={cell.error} state={cell.state} /> score {cell.score ?? "—"} · {ms(cell.latency_ms)} ·{" "}
        {plural(cell.prompt_tokens ?? 0, "token")} in / {plural(cell.completion_tokens ?? 0, "token")} out · {usd(cell.cost)}{cell.cached && " · from cache"}
      </p>
      {cell.error && (
        <section className="cell-error" aria-labelledby="cell-error-title">
          <h3 id="cell-error-title">The call failed</h3>
          <pre>{cell.error}</pre>
          <p className="small">The model gave no answer, so this cell's assertions were not evaluated: it counts against the pass rate as an error (shown with "errors only", not "failed checks only").</p>
        </section>
      )}
      <h3>Variables</h3>
      {Object.keys(cell.vars).length ? (
        <dl className="vars-list">
          {Object.entries(cell.vars).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{show(v)}</dd></div>)}
        </dl>
      ) : <p className="muted">This case has no variables.</p>}
      <h3>Assertions</h3>
      {rows.length ? (
        <div className="table-scroll" role="region" aria-label="Assertions" tabIndex={0}>
          <table className="data">
            <thead><tr><th scope="col">Type</th><th scope="col">Expected</th><th scope="col">Result</th><th scope="col">Score</th><th scope="col">Reason</th></tr></thead>
            <tbody>
              {rows.map((g, i) => (
                <tr key={i}>
                  <td>{g.type}</td><td className="assert-value">{g.value}</td>
                  <td><span className={OUTCOME_CLASS[g.outcome]}>{g.outcome}</span></td>
                  <td className="num">{g.score ?? "—"}</td><td className="assert-reason">{g.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p className="muted">This case has no assertions.</p>}
      <h3>Output</h3>
      {cell.error && !cell.output ? (
        <p className="muted">No output: the call ended in the error above.</p>
      ) : cell.output === null ? (
        <p className="muted">No output yet: the cell is {cell.state}.</p>
      ) : expected && SEARCHED.has(expected.type) ? (
        <>
          <Found assertion={expected} output={cell.output} />
          <details className="diff-more">
            <summary>Compare with the expected text side by side</summary>
            <TextDiff leftLabel={`Expected (${expected.type})`} rightLabel="Output" left={String(expected.value)} right={cell.output} />
          </details>
        </>
      ) : expected ? (
        <TextDiff leftLabel={`Expected (${expected.type})`} rightLabel="Output" left={String(expected.value)} right={cell.output} />
      ) : (
        <pre className="rendered">{cell.output}</pre>
      )}
      {stepping && <p className="muted small">Keys: [ and ] (or Alt+← and Alt+→) step to the previous and next cell; Esc closes.</p>}
    </dialog>
  );
}

/** The answer with the text a contains-like assertion looks for marked, or said to be missing. */
function Found({ assertion, output }: { assertion: Assertion; output: string }) {
  const at = foundIn(assertion, output);
  const how = assertion.type === "icontains" ? " (ignoring case)" : assertion.type === "starts-with" ? " at the start" : "";
  return (
    <>
      <p className="small">
        {at ? "Holds" : "Does not hold"} “{String(assertion.value)}”{how}{at ? ", marked below" : ""}.
      </p>
      <pre className="rendered">
        {at ? <>{output.slice(0, at.start)}<mark>{output.slice(at.start, at.end)}</mark>{output.slice(at.end)}</> : output}
      </pre>
    </>
  );
}
