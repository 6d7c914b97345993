import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { MutationCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createBrowserRouter, RouterProvider } from "react-router-dom";
import { ApiError } from "./api/client";
import { loadConfig } from "./config";
import { App } from "./App";
import "./styles.css";

const client: QueryClient = new QueryClient({
  // Any change (a run launched or cancelled, cases edited, a prompt saved) can move what a list
  // shows elsewhere (last run, case counts, versions): every cached answer is stale after one.
  mutationCache: new MutationCache({ onSuccess: () => client.invalidateQueries() }),
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      refetchOnWindowFocus: false,
      // A 4xx will not get better by asking again; a network blip may.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

loadConfig().then(() => {
  // A data router (one route; App's own <Routes> match the pages) so pages can block navigation.
  const router = createBrowserRouter([{ path: "*", element: <App /> }]);
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  );
});
