import { useEffect } from "react";

/** Names the browser tab after the page: "Capitals · Test sets · Assay". */
export function useTitle(...parts: (string | null | undefined)[]): void {
  const title = [...parts.filter((p): p is string => Boolean(p)), "Assay"].join(" · ");
  useEffect(() => {
    document.title = title;
  }, [title]);
}
