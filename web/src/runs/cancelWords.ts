// What the "Cancel run" question says: what cancelling stops, and what it cannot.

import { plural } from "../components/format";

/** From a run's cells still waiting (`pending`) and in flight (`running`). */
export function cancelWords(pending: number, running: number): string {
  const notRun = pending === 0 ? "Every cell has been called already: nothing is left to skip."
    : `${plural(pending, "cell has", "cells have")} not run yet and will not be called.`;
  const inFlight = running === 0 ? "Any call already in flight still finishes, and is paid for."
    : running === 1 ? "The 1 call in flight still finishes, and is paid for."
    : `The ${plural(running, "call")} in flight still finish, and are paid for.`;
  return `${notRun} ${inFlight}`;
}
