// How many calls a run makes and roughly what it costs, before starting it.

import type { Model } from "../api/types";

export const DEFAULT_OUTPUT_TOKENS = 256;

/**
 * Calls = cases × prompts × models × repeats; cost from catalog prices, ~4 characters a token,
 * each answer as long as Max tokens allows (DEFAULT_OUTPUT_TOKENS when unset): an upper figure
 * for short answers. Models without catalog prices are left out of the cost and named.
 */
export function estimate(opts: {
  cases: number;
  prompts: number;
  models: Model[];
  repeats: number;
  promptChars: number;
  maxTokens: number | null;
}): { calls: number; cost: number | null; unpriced: string[]; outTokens: number } {
  const perModel = opts.cases * opts.prompts * opts.repeats;
  const inTokens = Math.ceil(opts.promptChars / 4);
  const outTokens = opts.maxTokens ?? DEFAULT_OUTPUT_TOKENS;
  let cost = 0;
  let priced = 0;
  const unpriced: string[] = [];
  for (const m of opts.models) {
    if (m.source === "local") continue;
    if (m.prompt_price === null || m.completion_price === null) { unpriced.push(m.id); continue; }
    priced++;
    cost += perModel * (inTokens * m.prompt_price + outTokens * m.completion_price);
  }
  // Only unpriced remote models: no figure at all, rather than a misleading $0.
  const known = unpriced.length === 0 || priced > 0;
  return { calls: perModel * opts.models.length, cost: known ? cost : null, unpriced, outTokens };
}
