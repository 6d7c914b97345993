// The runs list's filters as the address states them. An address is typed, pasted and cut short
// by people: a filter the API would refuse is dropped here rather than sent.

/** The statuses a run can be in, as the API names them. */
export const RUN_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for an id in the form the API writes them (36 characters, hyphenated). */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

export interface RunFilters {
  /** A known status, or "" for any. */
  status: string;
  /** A test set id, or "" for any. */
  testSet: string;
  /** The address's keys whose values were ignored, to take out of the address. */
  dropped: string[];
}

/** The status and test set filters of `params`; values the API would refuse count as no filter. */
export function runFilters(params: URLSearchParams): RunFilters {
  const status = params.get("status") ?? "";
  const testSet = params.get("test_set") ?? "";
  const knownStatus = (RUN_STATUSES as readonly string[]).includes(status);
  const dropped = [
    ...(params.has("status") && !knownStatus ? ["status"] : []),
    ...(params.has("test_set") && !isUuid(testSet) ? ["test_set"] : []),
  ];
  return { status: knownStatus ? status : "", testSet: isUuid(testSet) ? testSet.toLowerCase() : "", dropped };
}
