import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Case, CaseBody, CasePage, TestSet } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/States";
import { Tabs } from "../components/Tabs";
import { download } from "../components/download";
import { CaseGrid } from "../testsets/CaseGrid";
import { CaseEditor } from "../testsets/CaseEditor";
import { ImportPanel } from "../testsets/ImportPanel";
import { VersionHistory } from "../testsets/VersionHistory";
import { deleteCase, saveCase } from "../testsets/caseApi";

export function TestSetPage() {
  const { id = "" } = useParams();
  const [tab, setTab] = useState("cases");
  const set = useQuery({ queryKey: ["test-set", id], queryFn: () => api<TestSet>(`/test-sets/${id}`) });
  if (set.isPending) return <Loading what="Loading the test set" />;
  if (set.error) return <div className="page"><ErrorBox error={set.error} /></div>;
  const s = set.data;
  return (
    <div className="page">
      <p className="crumbs"><Link to="/test-sets">Test sets</Link> /</p>
      <div className="title-row">
        <h1>{s.name}</h1>
        <span className="muted">{s.case_count} cases · version {s.latest_version?.version ?? 0}</span>
        <span className="spacer" />
        <button type="button" onClick={() => download(`/test-sets/${id}/export`, { format: "csv" }, `${s.name}.csv`)}>Export CSV</button>
        <button type="button" onClick={() => download(`/test-sets/${id}/export`, { format: "jsonl" }, `${s.name}.jsonl`)}>Export JSONL</button>
        <Link className="button primary" to={`/runs/new?test_set=${id}`}>Launch a run</Link>
      </div>
      <Tabs label="Test set" value={tab} onChange={setTab}
        tabs={[["cases", "Cases"], ["import", "Import"], ["versions", "Versions"]]} />
      <div role="tabpanel" aria-label={tab}>
        {tab === "cases" && <Cases testSetId={id} />}
        {tab === "import" && <ImportPanel testSetId={id} onDone={() => setTab("cases")} />}
        {tab === "versions" && <VersionHistory testSetId={id} />}
      </div>
    </div>
  );
}

function Cases({ testSetId }: { testSetId: string }) {
  const queries = useQueryClient();
  const [editing, setEditing] = useState<Case | "new" | null>(null);
  const cases = useInfiniteQuery({
    queryKey: ["test-set", testSetId, "cases"],
    queryFn: ({ pageParam }) => api<CasePage>(`/test-sets/${testSetId}/cases`, { query: { limit: 500, cursor: pageParam } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const refresh = () => queries.invalidateQueries({ queryKey: ["test-set", testSetId] });
  const save = useMutation({
    mutationFn: ({ original, body }: { original: Case | null; body: CaseBody }) => saveCase(testSetId, original, body),
    onSuccess: () => { setEditing(null); refresh(); },
  });
  const remove = useMutation({ mutationFn: (c: Case) => deleteCase(testSetId, c), onSuccess: refresh });

  if (cases.isPending) return <Loading what="Loading cases" />;
  if (cases.error) return <ErrorBox error={cases.error} />;
  const all = cases.data.pages.flatMap((p) => p.items);
  const varNames = [...new Set(all.flatMap((c) => Object.keys(c.vars)))];
  return (
    <>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setEditing("new")}>Add case</button>
      </div>
      {(save.error || remove.error) && <ErrorBox error={save.error ?? remove.error} title="The change was not saved" />}
      {editing && (
        <CaseEditor initial={editing === "new" ? null : editing} columns={varNames} saving={save.isPending}
          onCancel={() => setEditing(null)}
          onSave={(body) => save.mutate({ original: editing === "new" ? null : editing, body })} />
      )}
      {all.length === 0 ? (
        <Empty title="No cases yet">Import a CSV or JSONL file, or add a case by hand.</Empty>
      ) : (
        <CaseGrid cases={all} varNames={varNames} onOpen={setEditing}
          onEditCell={(original, body) => save.mutate({ original, body })}
          onDelete={(c) => window.confirm(`Delete case ${c.position + 1}?`) && remove.mutate(c)} />
      )}
      {cases.hasNextPage && (
        <button type="button" onClick={() => cases.fetchNextPage()} disabled={cases.isFetchingNextPage}>Load more cases</button>
      )}
    </>
  );
}
