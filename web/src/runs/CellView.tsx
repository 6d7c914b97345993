import { useEffect, useRef } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Case, CasePage, Page, Result, Run, TestSet, Version } from "../api/types";
import { TextDiff } from "../components/TextDiff";
import { ms, show, usd } from "../components/format";
import { Outcome } from "./StatusBadge";

/** The case the cell ran, found through the test set that owns the run's pinned version. */
function useCase(run: Run, position: number) {
  return useQuery({
    queryKey: ["run-case", run.test_set_version_id, position],
    enabled: Boolean(run.test_set_version_id),
    queryFn: async (): Promise<Case | null> => {
      const sets = await api<Page<TestSet>>("/test-sets", { query: { limit: 500 } });
      for (const s of sets.items) {
        const owns = s.latest_version?.id === run.test_set_version_id ||
          (await api<Page<Version>>(`/test-sets/${s.id}/versions`, { query: { limit: 500 } })).items.some((v) => v.id === run.test_set_version_id);
        if (!owns) continue;
        const cursor = position > 0 ? btoa(JSON.stringify([position - 1])).replace(/=+$/, "") : undefined;
        const page = await api<CasePage>(`/test-sets/${s.id}/cases`, { query: { version_id: run.test_set_version_id, cursor, limit: 1 } });
        return page.items[0] ?? null;
      }
      return null;
    },
  });
}

/** A full-screen view of one cell: output, every assertion, and the output diffed with what was expected. */
export function CellView({ cell, run, onClose }: { cell: Result; run: Run; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => { dialog.current?.showModal(); }, []);
  const testCase = useCase(run, cell.case_position);
  const expected = testCase.data?.assert.find((a) => typeof a.value === "string" && a.value !== "");
  return (
    <dialog ref={dialog} className="cell-view" aria-labelledby="cell-title" onClose={onClose}>
      <header className="title-row">
        <h2 id="cell-title">Case {cell.case_position + 1} · {cell.provider} · {cell.prompt_label}</h2>
        <span className="spacer" />
        <button type="button" onClick={() => dialog.current?.close()} autoFocus>Close</button>
      </header>
      <p>
        <Outcome passed={cell.passed} error={cell.error} state={cell.state} /> score {cell.score ?? "—"} · {ms(cell.latency_ms)} ·{" "}
        {cell.prompt_tokens ?? 0} in / {cell.completion_tokens ?? 0} out tokens · {usd(cell.cost)}{cell.cached && " · from cache"}
      </p>
      <h3>Variables</h3>
      <dl className="vars-list">
        {Object.entries(cell.vars).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{show(v)}</dd></div>)}
      </dl>
      {cell.error && <><h3>Error</h3><pre className="state error">{cell.error}</pre></>}
      <h3>Assertions</h3>
      {cell.grading?.results?.length ? (
        <table className="data">
          <thead><tr><th scope="col">Type</th><th scope="col">Result</th><th scope="col">Score</th><th scope="col">Reason</th></tr></thead>
          <tbody>
            {cell.grading.results.map((g, i) => (
              <tr key={i}><td>{g.type}</td><td>{g.passed ? "pass" : "fail"}</td><td className="num">{g.score}</td><td>{g.reason}</td></tr>
            ))}
          </tbody>
        </table>
      ) : <p className="muted">No assertions.</p>}
      <h3>Output</h3>
      {expected ? (
        <TextDiff leftLabel={`Expected (${expected.type})`} rightLabel="Output" left={String(expected.value)} right={cell.output ?? ""} />
      ) : (
        <pre className="rendered">{cell.output}</pre>
      )}
    </dialog>
  );
}
