import { useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Case, CaseBody, TestSet } from "../api/types";
import { Empty, ErrorBox, ErrorPage, Loading } from "../components/States";
import { Tabs } from "../components/Tabs";
import { useDownload } from "../components/download";
import { CaseGrid, type CaseGridHandle } from "../testsets/CaseGrid";
import { CaseEditor } from "../testsets/CaseEditor";
import { ImportPanel } from "../testsets/ImportPanel";
import { VersionHistory } from "../testsets/VersionHistory";
import { casePages, deleteCase, deleteTestSet, renameTestSet, saveCase } from "../testsets/caseApi";
import { useDebounced } from "../components/useDebounced";
import type { NoticeState } from "../components/useNotice";
import { plural } from "../components/format";
import { useTitle } from "../components/useTitle";
import "../testsets/testsets.css";

export function TestSetPage() {
  const { id = "" } = useParams();
  const [tab, setTab] = useState("cases");
  const set = useQuery({ queryKey: ["test-set", id], queryFn: () => api<TestSet>(`/test-sets/${id}`) });
  useTitle(set.data?.name, "Test sets");
  if (set.isPending) return <Loading what="Loading the test set" />;
  if (set.error) return <ErrorPage error={set.error} back={{ to: "/test-sets", label: "Go to the test sets" }} />;
  const s = set.data;
  return (
    <div className="page">
      <p className="crumbs"><Link to="/test-sets">Test sets</Link> /</p>
      <TitleRow set={s} />
      <Tabs label="Test set" value={tab} onChange={setTab}
        tabs={[["cases", "Cases"], ["import", "Import"], ["versions", "Versions"]]} />
      <div role="tabpanel" aria-label={tab}>
        {tab === "cases" && <Cases testSetId={id} total={s.case_count} />}
        {tab === "import" && <ImportPanel testSetId={id} onDone={() => setTab("cases")} />}
        {tab === "versions" && <VersionHistory testSetId={id} />}
      </div>
    </div>
  );
}

/** The name with its counts, exports, launch, and rename and delete. */
function TitleRow({ set: s }: { set: TestSet }) {
  const queries = useQueryClient();
  const navigate = useNavigate();
  const exporter = useDownload();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(s.name);
  const renameButton = useRef<HTMLButtonElement>(null);
  const rename = useMutation({
    mutationFn: (next: string) => renameTestSet(s.id, next),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ["test-set", s.id] });
      queries.invalidateQueries({ queryKey: ["test-sets"] });
      setRenaming(false);
      requestAnimationFrame(() => renameButton.current?.focus());
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteTestSet(s.id),
    onSuccess: () => {
      queries.removeQueries({ queryKey: ["test-set", s.id] });
      queries.invalidateQueries({ queryKey: ["test-sets"] });
      navigate("/test-sets", { state: { notice: `Deleted the test set “${s.name}”. Runs that used it keep their results.` } satisfies NoticeState });
    },
  });

  function cancelRename() {
    setRenaming(false);
    rename.reset();
    requestAnimationFrame(() => renameButton.current?.focus());
  }

  function submitRename(e: FormEvent) {
    e.preventDefault();
    if (name.trim() === s.name) cancelRename();
    else rename.mutate(name.trim());
  }

  function confirmDelete() {
    const message = `Delete the test set "${s.name}" with its ${plural(s.case_count, "case")} and every version? ` +
      "This cannot be undone. Runs that used it keep their results.";
    if (window.confirm(message)) remove.mutate();
  }

  return (
    <>
      <div className="title-row">
        <h1>{s.name}</h1>
        <span className="muted">{plural(s.case_count, "case")} · version {s.latest_version?.version ?? 0}</span>
        <span className="spacer" />
        <button type="button" ref={renameButton} aria-expanded={renaming}
          onClick={() => { setName(s.name); rename.reset(); setRenaming(true); }}>Rename</button>
        <button type="button" className="danger" onClick={confirmDelete} disabled={remove.isPending}>
          {remove.isPending ? "Deleting…" : "Delete test set"}
        </button>
        <button type="button" disabled={Boolean(exporter.busy)} onClick={() => void exporter.start(`/test-sets/${s.id}/export`, { format: "csv" }, `${s.name}.csv`)}>Export CSV</button>
        <button type="button" disabled={Boolean(exporter.busy)} onClick={() => void exporter.start(`/test-sets/${s.id}/export`, { format: "jsonl" }, `${s.name}.jsonl`)}>Export JSONL</button>
        <Link className="button primary" to={`/runs/new?test_set=${s.id}`}>Launch a run</Link>
      </div>
      {exporter.error ? <ErrorBox error={exporter.error} title="Could not export the test set" onDismiss={exporter.clear} /> : null}
      {renaming && (
        <form className="rename-form panel" aria-label="Rename the test set" onSubmit={submitRename}
          onKeyDown={(e) => { if (e.key === "Escape") { e.preventDefault(); cancelRename(); } }}>
          <label>
            New name
            <input autoFocus required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={rename.isPending || !name.trim()}>
            {rename.isPending ? "Saving…" : "Save name"}
          </button>
          <button type="button" onClick={cancelRename}>Cancel</button>
          {rename.error && <ErrorBox error={rename.error} title="The test set was not renamed" />}
        </form>
      )}
      {remove.error && <ErrorBox error={remove.error} title="The test set was not deleted" />}
    </>
  );
}

const FILTER_DEBOUNCE_MS = 250;

type Editing = { original: Case | null; from: "grid" | "button" };

function Cases({ testSetId, total }: { testSetId: string; total: number }) {
  const queries = useQueryClient();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [filter, setFilter] = useState("");
  const grid = useRef<CaseGridHandle>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const cases = useInfiniteQuery(casePages(testSetId, ""));
  // A filter is a search on the server, across every case, not only the pages loaded here.
  const words = useDebounced(filter.trim(), FILTER_DEBOUNCE_MS);
  const found = useInfiniteQuery({ ...casePages(testSetId, words), enabled: words !== "", placeholderData: keepPreviousData });
  const refresh = () => queries.invalidateQueries({ queryKey: ["test-set", testSetId] });

  /** Focus back where the user was: the grid's active cell (a row, if given), else the Add case button. */
  function refocus(from: Editing["from"] | "lost", position?: number) {
    requestAnimationFrame(() => {
      const lost = from === "lost";
      if (from !== "button" && grid.current?.focusActive({ onlyIfLost: lost, position })) return;
      const active = document.activeElement;
      if (!lost || !active || active === document.body) addButton.current?.focus();
    });
  }

  const save = useMutation({
    mutationFn: ({ original, body }: { original: Case | null; body: CaseBody }) => saveCase(testSetId, original, body),
    onSuccess: async (change, { original }) => {
      await refresh();
      const from = editing?.from ?? "grid";
      setEditing(null);
      // A new case is the last one: go to it; an edited case keeps its place.
      const added = original ? undefined : change.cases[0]?.position;
      refocus(added === undefined ? from : "grid", added);
    },
  });
  const remove = useMutation({
    mutationFn: (c: Case) => deleteCase(testSetId, c),
    onSuccess: () => refresh(),
    onSettled: () => refocus("lost"),
  });

  function open(original: Case | null, from: Editing["from"]) {
    save.reset();
    setEditing({ original, from });
  }

  function close() {
    const from = editing?.from ?? "grid";
    setEditing(null);
    save.reset();
    refocus(from);
  }

  if (cases.isPending) return <Loading what="Loading cases" />;
  if (cases.error) return <ErrorBox error={cases.error} />;
  const all = cases.data.pages.flatMap((p) => p.items);
  const searching = words !== "" && filter.trim() !== "";
  const list = searching ? found : cases;
  const shown = searching ? (found.data?.pages.flatMap((p) => p.items) ?? []) : all;
  // Columns for every variable of the cases loaded, and of those a search found beyond them.
  const varNames = [...new Set([...all, ...(searching ? shown : [])].flatMap((c) => Object.keys(c.vars)))];
  const matches = found.data?.pages[0]?.matches ?? null;
  const settled = searching && !found.isPlaceholderData && !found.isPending && !found.error;
  return (
    <>
      <div className="toolbar case-filter">
        <button type="button" ref={addButton} className="primary" onClick={() => open(null, "button")}>Add case</button>
        {all.length > 0 && (
          <label>
            Filter cases
            <input type="search" value={filter} placeholder="Words to find" maxLength={500}
              onChange={(e) => setFilter(e.target.value)} aria-describedby={filter ? "case-filter-status" : undefined} />
          </label>
        )}
        <p id="case-filter-status" role="status" className="muted">
          {filter.trim() && !settled && !found.error ? "Searching…" : ""}
          {settled && matches !== null && `${matches.toLocaleString()} of ${plural(total, "case")} ${matches === 1 ? "matches" : "match"}`}
          {settled && found.hasNextPage && ` (${shown.length.toLocaleString()} shown)`}
        </p>
      </div>
      {(save.error || remove.error) && <ErrorBox error={save.error ?? remove.error} title="The change was not saved" />}
      {editing && (
        <CaseEditor key={editing.original?.id ?? "new"} initial={editing.original} columns={varNames} saving={save.isPending}
          onCancel={close}
          onSave={(body) => save.mutate({ original: editing.original, body })} />
      )}
      {found.error && searching ? <ErrorBox error={found.error} title="The search failed" onRetry={() => found.refetch()} /> : null}
      {all.length === 0 ? (
        <Empty title="No cases yet">Import a CSV or JSONL file, or add a case by hand.</Empty>
      ) : settled && shown.length === 0 ? (
        <Empty title="No case matches">No case in this test set holds every word of “{filter.trim()}”.</Empty>
      ) : (
        <CaseGrid ref={grid} cases={shown} varNames={varNames} onOpen={(c) => open(c, "grid")}
          onAdd={() => open(null, "grid")}
          onEditCell={async (original, body) => { await saveCase(testSetId, original, body); await refresh(); }}
          onDelete={(c) => { if (window.confirm(`Delete case ${c.position + 1}?`)) remove.mutate(c); }} />
      )}
      {list.hasNextPage && (!searching || settled) && (
        <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? "Loading more cases…" : searching ? "Load more matches" : "Load more cases"}
        </button>
      )}
    </>
  );
}
