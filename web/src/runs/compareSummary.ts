// Pass rates of two runs side by side, per prompt × model, for the compare page.

import type { SummaryRow } from "../api/types";

export interface PairDelta {
  prompt: string;
  model: string;
  before: number | null; // pass rate in the base run; null when the pair is absent or has no results
  after: number | null;
  delta: number | null;
  costBefore: number | null;
  costAfter: number | null;
}

/** Every (prompt, model) of either run, in the head run's order then the base run's. */
export function pairDeltas(base: SummaryRow[], head: SummaryRow[]): PairDelta[] {
  const key = (r: SummaryRow) => `${r.prompt_label}\u0000${r.provider}`;
  const before = new Map(base.map((r) => [key(r), r]));
  const after = new Map(head.map((r) => [key(r), r]));
  const order = [...head.map(key), ...base.map(key).filter((k) => !after.has(k))];
  return order.map((k) => {
    const b = before.get(k), a = after.get(k);
    const any = (a ?? b)!;
    const pb = b?.pass_rate ?? null, pa = a?.pass_rate ?? null;
    return {
      prompt: any.prompt_label, model: any.provider, before: pb, after: pa,
      delta: pb === null || pa === null ? null : pa - pb,
      costBefore: b ? b.cost : null, costAfter: a ? a.cost : null,
    };
  });
}

/** "+12.5 pts", "−3.0 pts", "±0 pts" or "—". */
export function points(delta: number | null): string {
  if (delta === null) return "—";
  const p = delta * 100;
  if (Math.abs(p) < 0.05) return "±0 pts";
  return `${p > 0 ? "+" : "−"}${Math.abs(p).toFixed(1)} pts`;
}

/** Labels to filter by: those of both runs, each once, head run's first. */
export function labels(head: string[], base: string[]): string[] {
  return [...new Set([...head, ...base])];
}
