import { useEffect, useState } from "react";
import { useLocation, useNavigate } from "react-router-dom";

/** What a page passes along with `navigate(to, { state: { notice } })`, e.g. after a delete. */
export interface NoticeState {
  notice?: string;
}

/**
 * The notice this page was opened with, shown once: it is taken out of the history entry, so a
 * reload or a return to the page later does not announce the same thing again.
 */
export function useNotice(): string | undefined {
  const location = useLocation();
  const navigate = useNavigate();
  const [notice] = useState(() => (location.state as NoticeState | null)?.notice);
  useEffect(() => {
    if ((location.state as NoticeState | null)?.notice !== undefined) {
      navigate(`${location.pathname}${location.search}${location.hash}`, { replace: true, state: null });
    }
  }, [location, navigate]);
  return notice;
}
