import { useCallback, useState } from "react";
import { api, type Query } from "../api/client";

/** Fetches an export with the caller's credentials and saves it under `filename`; rejects
 * with the API's error when it fails. */
export async function saveExport(path: string, query: Query, filename: string): Promise<void> {
  const text = await api<string>(path, { query, raw: true });
  const href = URL.createObjectURL(new Blob([text]));
  const a = document.createElement("a");
  a.href = href;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(href);
}

/**
 * An export the page can show the state of: `start` it, read `busy` (the file being fetched)
 * and `error` (show it inline, next to the control, with `ErrorBox`), `clear` the error.
 */
export function useDownload() {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const start = useCallback(async (path: string, query: Query, filename: string) => {
    setError(null);
    setBusy(filename);
    try {
      await saveExport(path, query, filename);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { start, busy, error, clear };
}
