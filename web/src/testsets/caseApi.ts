// Case writes: each one makes a new immutable version of the test set.

import { api } from "../api/client";
import type { Case, CaseBody, TestSet, VersionChange } from "../api/types";
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

/** The text a filter looks in: description, variable names and values, assertion types and values. */
function haystack(c: Case): string {
  const vars = Object.entries(c.vars).map(([k, v]) => `${k} ${show(v)}`);
  const asserts = c.assert.map((a) => `${a.type} ${show(a.value)}`);
  return [c.description ?? "", ...vars, ...asserts].join("\n").toLocaleLowerCase();
}

/**
 * The cases holding every word of `query`, ignoring case. Client-side: the cases API takes no search
 * parameter, so only the pages already loaded are searched.
 */
export function filterCases(cases: Case[], query: string): Case[] {
  const words = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return cases;
  return cases.filter((c) => {
    const text = haystack(c);
    return words.every((w) => text.includes(w));
  });
}
