// Shapes of the Assay HTTP API's answers (see /v1/openapi.json); only the fields the pages read.

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Workspace {
  id: string;
  name: string;
  personal: boolean;
  role: string;
}

export interface Me {
  user_id: string;
  actor: "user" | "api_key" | "local";
  workspace_id: string;
  workspaces: Workspace[];
  /** Whether the server has an OpenRouter key for `openrouter:` models (never the key itself). */
  openrouter_key: "configured" | "missing";
}

export interface Version {
  id: string;
  test_set_id: string;
  version: number;
  content_hash: string;
  case_count: number;
  note: string | null;
  created_at: string;
}

export interface TestSet {
  id: string;
  name: string;
  description: string | null;
  case_count: number;
  latest_version: Version | null;
  last_run_id: string | null;
  last_run_at: string | null;
  updated_at: string;
}

export interface Assertion {
  type: string;
  value?: unknown;
  threshold?: number | null;
  weight?: number;
  metric?: string | null;
}

export interface CaseBody {
  description?: string | null;
  vars: Record<string, unknown>;
  assert: Assertion[];
  threshold?: number | null;
  metadata?: Record<string, unknown>;
}

export interface Case extends CaseBody {
  id: string;
  position: number;
  content_hash: string;
}

export interface CasePage extends Page<Case> {
  version: Version;
  /** With a search (`q`): how many cases match in all. */
  matches?: number | null;
}

export interface VersionChange {
  version: Version;
  created: boolean;
  cases: Case[];
}

export interface VersionDiff {
  base: Version;
  head: Version;
  added: Case[];
  removed: Case[];
  changed: { before: Case; after: Case }[];
  unchanged: number;
}

export interface Message {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface PromptBody {
  text?: string;
  messages?: Message[];
}

export interface PromptVersion {
  id: string;
  prompt_id: string;
  version: number;
  body: PromptBody;
  variables: string[];
  created_at: string;
}

export interface Prompt {
  id: string;
  name: string;
  updated_at: string;
  latest_version: PromptVersion | null;
}

export interface VariableCheck {
  variables: string[];
  cases_checked: number;
  ok: boolean;
  cases_missing: { position: number; description: string | null; missing: string[] }[];
  unused: string[];
}

export interface Model {
  id: string;
  source: "openrouter" | "local";
  name: string | null;
  context_length: number | null;
  prompt_price: number | null;
  completion_price: number | null;
  refreshed_at?: string | null;
}

export interface Progress {
  total: number;
  pending: number;
  running: number;
  done: number;
  failed: number;
  cancelled: number;
  passed: number;
  cost: number;
}

export interface SummaryRow {
  prompt_label: string;
  provider: string;
  cells: number;
  passed: number;
  failed: number;
  errors: number;
  pending: number;
  pass_rate: number | null;
  mean_score: number | null;
  cost: number;
  prompt_tokens: number;
  completion_tokens: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
}

export interface Run {
  id: string;
  name: string | null;
  status: string;
  error: string | null;
  test_set_version_id: string | null;
  total_cells: number;
  repeats: number;
  concurrency: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  test_set_id?: string | null;
  test_set_name?: string | null;
  test_set_version?: number | null;
  model_labels?: string[];
  overview?: { passed: number; failed: number; errors: number; pass_rate: number | null; cost: number } | null;
  prompts: { position: number; label: string; prompt_version_id: string | null }[];
  models: { position: number; label: string; id: string; params: Record<string, unknown> }[];
  progress: Progress | null;
  summary: SummaryRow[] | null;
}

export interface GradingResult {
  type: string;
  passed: boolean;
  score: number;
  reason?: string | null;
}

export interface Result {
  cell_id: string;
  case_position: number;
  description: string | null;
  vars: Record<string, unknown>;
  prompt_label: string;
  provider: string;
  repeat: number;
  state: string;
  output: string | null;
  error: string | null;
  passed: boolean | null;
  score: number | null;
  grading: { reason?: string; results?: GradingResult[] } | null;
  latency_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cost: number | null;
  cached: boolean;
}

export type Change = "improved" | "regressed" | "unchanged" | "new" | "removed";

export interface CellSide {
  outcome: string;
  passed: boolean | null;
  score: number | null;
  output: string | null;
  error: string | null;
}

export interface CompareItem {
  change: Change;
  description: string | null;
  vars: Record<string, unknown>;
  prompt_label: string;
  provider: string;
  repeat: number;
  base: CellSide | null;
  head: CellSide | null;
}

export interface ComparePage extends Page<CompareItem> {
  counts: Record<string, number>;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  key?: string;
}

export interface LatencySeries {
  prompt: string;
  provider: string;
  counts: number[];
  p50: number | null;
  p95: number | null;
}

export interface LatencyHistogram {
  bucket_edges_ms: number[];
  series: LatencySeries[];
}
