// The server's rendering of a template (POST /prompts/render) and how the preview words it.

import type { Case, Message, PromptBody } from "../api/types";

export interface RenderProblem {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export interface CaseRenderFailure {
  position: number;
  test_case_id: string;
  description: string | null;
  missing: string[];
  error: RenderProblem;
}

export interface CasesRendered {
  test_set_version_id: string;
  cases_checked: number;
  cases_failed: number;
  /** The first failing cases (at most 100), in order. */
  failures: CaseRenderFailure[];
  unused: string[];
}

export interface PromptRendered {
  variables: string[];
  messages: Message[] | null;
  text: string | null;
  error: RenderProblem | null;
  cases: CasesRendered | null;
}

export interface RenderRequest extends PromptBody {
  label: string;
  test_set_version_id?: string;
  case_position?: number;
}

/** The request body: the template, and the test set version and case to render it with. */
export function renderRequest(body: PromptBody, label: string, versionId?: string, position?: number): RenderRequest {
  const template: PromptBody = body.messages !== undefined ? { messages: body.messages } : { text: body.text ?? "" };
  return {
    ...template,
    label: label.slice(0, 200) || "preview",
    ...(versionId ? { test_set_version_id: versionId } : {}),
    ...(versionId && position !== undefined ? { case_position: position } : {}),
  };
}

/** A variable some cases lack, and which (0-based positions). */
export interface Lack {
  variable: string;
  positions: number[];
}

/** Failures grouped by the variable lacking, the most widely missing first. */
export function lacks(failures: { position: number; missing: string[] }[]): Lack[] {
  const by = new Map<string, number[]>();
  for (const f of failures) for (const v of f.missing) by.set(v, [...(by.get(v) ?? []), f.position]);
  return [...by.entries()]
    .map(([variable, positions]) => ({ variable, positions }))
    .sort((a, b) => b.positions.length - a.positions.length || a.variable.localeCompare(b.variable));
}

/** Cases by number as the case picker shows them: "#4, #9, #12", then how many more. */
export function caseNumbers(positions: number[], shown = 12): string {
  const listed = positions.slice(0, shown).map((p) => `#${p + 1}`).join(", ");
  return positions.length > shown ? `${listed} and ${positions.length - shown} more` : listed;
}

/** "3 of 40 cases lack", "1 of 6 cases lacks", "1 of 1 case lacks"; `noun` for other cases. */
export function lackCount(count: number, checked: number, noun = "case"): string {
  return `${count} of ${checked} ${noun}${checked === 1 ? "" : "s"} ${count === 1 ? "lacks" : "lack"}`;
}

/** When the server cannot be asked: which loaded cases lack which of the variables found here. */
export function localLacks(variables: string[], cases: Pick<Case, "position" | "vars">[]): Lack[] {
  return lacks(cases.map((c) => ({ position: c.position, missing: variables.filter((v) => !(v in c.vars)) })));
}

export interface SameError {
  message: string;
  positions: number[];
}

/**
 * Failures other than a missing variable, grouped by their error with the case left out of it
 * ("prompt 'p' for test 3 (greeting) is too costly…" and the same for test 4 are one error of
 * cases #3 and #4); the most frequent first.
 */
export function sameErrors(failures: CaseRenderFailure[]): SameError[] {
  const by = new Map<string, number[]>();
  for (const f of failures) {
    const label = typeof f.error.details?.case === "string" ? f.error.details.case : null;
    const message = label ? f.error.message.replace(` for ${label}`, "") : f.error.message;
    by.set(message, [...(by.get(message) ?? []), f.position]);
  }
  return [...by.entries()].map(([message, positions]) => ({ message, positions }))
    .sort((a, b) => b.positions.length - a.positions.length);
}
