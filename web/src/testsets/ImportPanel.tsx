import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { TestSet, VersionChange } from "../api/types";
import { badLines, formatOf, parseFile, type LineError, type Preview } from "./parseFile";
import { refusedImport } from "./importErrors";
import { plural } from "../components/format";
import { ConfirmDialog } from "../prompts/ConfirmDialog";
import "./testsets.css";

const TYPES = { csv: "text/csv", jsonl: "application/x-ndjson" } as const;

function lineText(e: LineError): string {
  return `line ${e.line}${e.field ? `, ${e.field}` : ""}: ${e.message}`;
}

/** Choose a CSV/JSONL file, see its rows and every bad line, then import it in one version. */
export function ImportPanel({ testSetId, onDone }: { testSetId: string; onDone: () => void }) {
  const queries = useQueryClient();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mode, setMode] = useState<"append" | "replace">("append");
  const [asking, setAsking] = useState(false);
  // The test set page has it already: how many cases a replace would take out of the latest version.
  const testSet = useQuery({ queryKey: ["test-set", testSetId], queryFn: () => api<TestSet>(`/test-sets/${testSetId}`) });
  const upload = useMutation({
    // Sent with its name, so that the server's messages name the user's file.
    mutationFn: (chosen: { name: string; text: string }) =>
      api<VersionChange>(`/test-sets/${testSetId}/import`, {
        method: "POST",
        query: { mode, filename: chosen.name },
        body: chosen.text,
        contentType: TYPES[formatOf(chosen.name)],
      }),
    onSuccess: () => {
      queries.invalidateQueries({ queryKey: ["test-set", testSetId] });
      queries.invalidateQueries({ queryKey: ["test-sets"] });
      onDone();
    },
  });

  async function choose(selected: File | undefined) {
    upload.reset();
    setAsking(false);
    if (!selected) return;
    const text = await selected.text();
    setFile({ name: selected.name, text });
    setPreview(parseFile(selected.name, text));
  }

  const bad = preview ? badLines(preview) : 0;
  const current = testSet.data?.case_count;
  // Replacing cases is asked about first; replacing an empty test set takes nothing away.
  const start = () => {
    if (!file) return;
    if (mode === "replace" && current !== 0) setAsking(true);
    else upload.mutate(file);
  };
  const refused = upload.error && file ? refusedImport(upload.error, file.name) : null;
  return (
    <section className="panel" aria-labelledby="import-title">
      <h2 id="import-title">Import cases</h2>
      <p className="muted">
        CSV with one column per variable and promptfoo's <code>__expected</code> columns, or JSONL
        with one case per line. Nothing is saved until you confirm, and a file with any bad line
        is refused whole.
      </p>
      <label>
        File
        <input type="file" accept=".csv,.jsonl,.ndjson,text/csv" onChange={(e) => choose(e.target.files?.[0])} />
      </label>
      {preview && file && (
        <>
          <p aria-live="polite" data-testid="import-summary">
            {plural(preview.total, "case")} read from {file.name}
            {bad > 0 && `, ${plural(bad, "bad line")}`}
          </p>
          {preview.errors.length > 0 && (
            <div className="state error" role="alert">
              <strong>Fix these lines before importing</strong>
              <ul className="error-lines">
                {preview.errors.map((e, i) => <li key={i}>{lineText(e)}</li>)}
              </ul>
            </div>
          )}
          {preview.errors.length === 0 && preview.warnings.length > 0 && (
            <div className="state warn-box" role="status" data-testid="import-warnings">
              <strong>Check {preview.warnings.length === 1 ? "this line" : `these ${preview.warnings.length} lines`}: they import as read, which may not be what you meant</strong>
              <ul className="error-lines">
                {preview.warnings.slice(0, 50).map((e, i) => <li key={i}>{lineText(e)}</li>)}
              </ul>
            </div>
          )}
          {preview.errors.length === 0 && preview.total === 0 && (
            <p className="state empty" role="status">{file.name} holds no cases: there is nothing to import.</p>
          )}
          {preview.rows.length > 0 && <PreviewTable preview={preview} />}
          <fieldset className="inline">
            <legend>Mode</legend>
            <label><input type="radio" name="import-mode" value="append" checked={mode === "append"} onChange={() => setMode("append")} /> Append</label>
            <label><input type="radio" name="import-mode" value="replace" checked={mode === "replace"} onChange={() => setMode("replace")} /> Replace all cases</label>
          </fieldset>
          <button type="button" className="primary" disabled={preview.errors.length > 0 || preview.total === 0 || upload.isPending}
            onClick={start}>
            {upload.isPending ? "Importing…" : `Import ${plural(preview.total, "case")}`}
          </button>
          <ConfirmDialog open={asking} title="Replace all cases?" confirm="Replace cases" cancel="Keep the cases" danger
            onCancel={() => setAsking(false)} onConfirm={() => { setAsking(false); upload.mutate(file); }}>
            <p data-testid="replace-question">
              Replace {current === undefined ? "the cases" : `the ${plural(current, "case")}`} of this test set with
              the {plural(preview.total, "case")} of {file.name}? Earlier versions stay in the history.
            </p>
          </ConfirmDialog>
        </>
      )}
      {refused && (
        <div className="state error" role="alert">
          <strong>The import was refused; nothing was saved</strong>
          <p className="error-message">{refused.summary}</p>
          {refused.lines.length > 0 && (
            <ul className="error-lines">{refused.lines.slice(0, 200).map((l, i) => <li key={i}>{l}</li>)}</ul>
          )}
        </div>
      )}
    </section>
  );
}

function PreviewTable({ preview }: { preview: Preview }) {
  return (
    <div className="table-scroll" role="region" aria-label="Preview table" tabIndex={0}>
      <table className="data" aria-label="Preview of the first rows">
        <thead>
          <tr>{preview.columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
        </thead>
        <tbody>
          {preview.rows.map((row, i) => (
            <tr key={i}>{preview.columns.map((c) => <td key={c}>{row[c]}</td>)}</tr>
          ))}
        </tbody>
      </table>
      {preview.total > preview.rows.length && <p className="muted">…and {plural(preview.total - preview.rows.length, "more case")}</p>}
    </div>
  );
}
