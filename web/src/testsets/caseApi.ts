// Case writes: each one makes a new immutable version of the test set.

import { api } from "../api/client";
import type { Case, CaseBody, CasePage, TestSet, VersionChange } from "../api/types";
import { show } from "../components/format";

export function caseBody(c: CaseBody): CaseBody {
  return {
    description: c.description || null,
    vars: c.vars,
    assert: c.assert.map(({ type, value, threshold, weight, metric }) => ({ type, value, threshold, weight, metric })),
    threshold: c.threshold ?? null,
    metadata: c.metadata ?? {},
  };
}

/**
 * A variable's value from the text typed for it, of the type it had: unchanged text keeps the
 * value itself; a number, true/false, list or object stays one when the new text reads as JSON
 * (42, false, [1, 2]); a string, a new variable, or text that is not JSON stays text.
 */
export function varFromText(text: string, original: unknown): unknown {
  if (original === undefined || typeof original === "string") return text;
  if (text === show(original)) return original;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function saveCase(testSetId: string, original: Case | null, next: CaseBody): Promise<VersionChange> {
  const path = original ? `/test-sets/${testSetId}/cases/${original.id}` : `/test-sets/${testSetId}/cases`;
  return api<VersionChange>(path, { method: original ? "PUT" : "POST", json: caseBody(next) });
}

export function deleteCase(testSetId: string, c: Case): Promise<VersionChange> {
  return api<VersionChange>(`/test-sets/${testSetId}/cases/${c.id}`, { method: "DELETE" });
}

/** Rename a test set (no new version: its cases are unchanged). */
export function renameTestSet(testSetId: string, name: string): Promise<TestSet> {
  return api<TestSet>(`/test-sets/${testSetId}`, { method: "PATCH", json: { name } });
}

/** Delete a test set with its cases and versions; runs that used it keep their results. */
export function deleteTestSet(testSetId: string): Promise<void> {
  return api<void>(`/test-sets/${testSetId}`, { method: "DELETE" });
}

/** Pages of a test set's latest cases, 500 at a time; with `q`, only those holding every word. */
export function casePages(testSetId: string, q: string) {
  return {
    queryKey: q ? ["test-set", testSetId, "cases", "search", q] : ["test-set", testSetId, "cases"],
    queryFn: ({ pageParam }: { pageParam: string | null }) =>
      api<CasePage>(`/test-sets/${testSetId}/cases`, { query: { limit: 500, cursor: pageParam, q: q || undefined } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last: CasePage) => last.next_cursor,
  };
}
