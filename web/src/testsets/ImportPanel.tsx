import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { VersionChange } from "../api/types";
import { ErrorBox } from "../components/States";
import { formatOf, parseFile, type Preview } from "./parseFile";

const TYPES = { csv: "text/csv", jsonl: "application/x-ndjson" } as const;

/** Choose a CSV/JSONL file, see its rows and every bad line, then import it in one version. */
export function ImportPanel({ testSetId, onDone }: { testSetId: string; onDone: () => void }) {
  const queries = useQueryClient();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mode, setMode] = useState<"append" | "replace">("append");
  const upload = useMutation({
    mutationFn: () =>
      api<VersionChange>(`/test-sets/${testSetId}/import`, {
        method: "POST",
        query: { mode },
        body: file!.text,
        contentType: TYPES[formatOf(file!.name)],
      }),
    onSuccess: () => {
      queries.invalidateQueries({ queryKey: ["test-set", testSetId] });
      queries.invalidateQueries({ queryKey: ["test-sets"] });
      onDone();
    },
  });

  async function choose(selected: File | undefined) {
    upload.reset();
    if (!selected) return;
    const text = await selected.text();
    setFile({ name: selected.name, text });
    setPreview(parseFile(selected.name, text));
  }

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
      {preview && (
        <>
          <p aria-live="polite">
            {preview.total} case{preview.total === 1 ? "" : "s"} read from {file?.name}
            {preview.errors.length > 0 && `, ${preview.errors.length} bad line(s)`}
          </p>
          {preview.errors.length > 0 && (
            <div className="state error" role="alert">
              <strong>Fix these lines before importing</strong>
              <ul className="error-lines">
                {preview.errors.map((e, i) => (
                  <li key={i}>line {e.line}: {e.message}</li>
                ))}
              </ul>
            </div>
          )}
          {preview.rows.length > 0 && <PreviewTable preview={preview} />}
          <fieldset className="inline">
            <legend>Mode</legend>
            <label><input type="radio" checked={mode === "append"} onChange={() => setMode("append")} /> Append</label>
            <label><input type="radio" checked={mode === "replace"} onChange={() => setMode("replace")} /> Replace all cases</label>
          </fieldset>
          <button type="button" className="primary" disabled={preview.errors.length > 0 || upload.isPending}
            onClick={() => upload.mutate()}>
            {upload.isPending ? "Importing…" : `Import ${preview.total} case${preview.total === 1 ? "" : "s"}`}
          </button>
        </>
      )}
      {upload.error && <ErrorBox error={upload.error} title="The import was refused; nothing was saved" />}
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
      {preview.total > preview.rows.length && <p className="muted">…and {preview.total - preview.rows.length} more</p>}
    </div>
  );
}
