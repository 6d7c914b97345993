// How many calls a run makes and roughly what it costs, before starting it.

import type { Model } from "../api/types";

export const DEFAULT_OUTPUT_TOKENS = 256;

/** Calls = cases × prompts × models × repeats; cost from catalog prices, ~4 characters a token. */
export function estimate(opts: {
  cases: number;
  prompts: number;
  models: Model[];
  repeats: number;
  promptChars: number;
  maxTokens: number | null;
}): { calls: number; cost: number | null } {
  const perModel = opts.cases * opts.prompts * opts.repeats;
  const inTokens = Math.ceil(opts.promptChars / 4);
  const outTokens = opts.maxTokens ?? DEFAULT_OUTPUT_TOKENS;
  let cost: number | null = 0;
  for (const m of opts.models) {
    if (m.source === "local") continue;
    if (m.prompt_price === null || m.completion_price === null) { cost = null; break; }
    cost += perModel * (inTokens * m.prompt_price + outTokens * m.completion_price);
  }
  return { calls: perModel * opts.models.length, cost };
}
