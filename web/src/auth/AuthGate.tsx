import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, ApiError } from "../api/client";
import type { Me } from "../api/types";
import { ErrorBox, Loading } from "../components/States";
import { onSessionChange, session, signedOutBecause } from "./session";
import { SignIn } from "./SignIn";

const MeContext = createContext<Me | null>(null);

export function useMe(): Me | null {
  return useContext(MeContext);
}

/** Asks /v1/me who we are; a 401 means the API requires sign-in, anything else is shown. */
export function AuthGate({ children }: { children: ReactNode }) {
  const credential = useSyncExternalStore(onSessionChange, session);
  const me = useQuery({
    queryKey: ["me", credential?.token ?? null],
    queryFn: () => api<Me>("/me"),
    retry: false,
  });
  if (me.isPending) return <Loading what="Connecting to the Assay API" />;
  if (me.error instanceof ApiError && me.error.status === 401) {
    return <SignIn reason={signedOutBecause()} />;
  }
  if (me.error) {
    return (
      <main className="page narrow">
        <h1>Assay</h1>
        <ErrorBox error={me.error} title="The dashboard cannot talk to the API" />
        <button type="button" onClick={() => me.refetch()}>Try again</button>
      </main>
    );
  }
  return <MeContext.Provider value={me.data}>{children}</MeContext.Provider>;
}
