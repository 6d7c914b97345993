import { Navigate, Route, Routes } from "react-router-dom";
import { AuthGate } from "./auth/AuthGate";
import { Layout } from "./components/Layout";
import { TestSetsPage } from "./pages/TestSetsPage";
import { TestSetPage } from "./pages/TestSetPage";
import { PromptsPage } from "./pages/PromptsPage";
import { PromptPage } from "./pages/PromptPage";
import { RunsPage } from "./pages/RunsPage";
import { LaunchPage } from "./pages/LaunchPage";
import { RunPage } from "./pages/RunPage";
import { ComparePage } from "./pages/ComparePage";
import { SettingsPage } from "./pages/SettingsPage";
import { Empty } from "./components/States";

export function App() {
  return (
    <AuthGate>
      <Layout>
        <Routes>
          <Route path="/" element={<Navigate to="/runs" replace />} />
          <Route path="/test-sets" element={<TestSetsPage />} />
          <Route path="/test-sets/:id" element={<TestSetPage />} />
          <Route path="/prompts" element={<PromptsPage />} />
          <Route path="/prompts/:id" element={<PromptPage />} />
          <Route path="/runs" element={<RunsPage />} />
          <Route path="/runs/new" element={<LaunchPage />} />
          <Route path="/runs/:id" element={<RunPage />} />
          <Route path="/runs/:id/compare" element={<ComparePage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Layout>
    </AuthGate>
  );
}

function NotFound() {
  return (
    <div className="page">
      <Empty page title="Page not found" back={{ to: "/runs", label: "Go to the runs" }}>
        There is no page at this address: the link may be mistyped or out of date. The menu above leads to every part of Assay.
      </Empty>
    </div>
  );
}
