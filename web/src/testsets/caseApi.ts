// Case writes: each one makes a new immutable version of the test set.

import { api } from "../api/client";
import type { Case, CaseBody, VersionChange } from "../api/types";

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
