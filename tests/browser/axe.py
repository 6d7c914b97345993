"""axe-core in the page: the dashboard's accessibility audit, shared by the browser tests.

axe comes from web/node_modules (the pinned devDependency), injected into each page checked.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING = {"serious", "critical"}


class Audit:
    """Runs axe on pages and collects what it finds, page by page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.pages: list[str] = []

    def check(self, name: str) -> None:
        """Audits the page as it is now under the label `name`."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            assert AXE.is_file(), f"no {AXE}: run `npm ci` in web/ (axe-core is a devDependency)"
            self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, { runOnly: { type: "tag", values: tags } });
                return r.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help, tags: v.tags,
                    nodes: v.nodes.map((n) => ({
                        target: n.target.join(" "), summary: n.failureSummary,
                    })),
                }));
            }""",
            [*WCAG_TAGS, "best-practice"],
        )
        self.pages.append(name)
        for violation in result:
            lines = [f"[{name}] {violation['impact']}: {violation['id']}: {violation['help']}"]
            for node in violation["nodes"][:10]:
                summary = " ".join(str(node["summary"] or "").split())
                lines.append(f"    {node['target']}  ({summary[:240]})")
            text = "\n".join(lines)
            wcag = any(tag in WCAG_TAGS for tag in violation["tags"])
            failing = wcag and violation["impact"] in FAILING
            (self.failures if failing else self.notes).append(text)

    def assert_clean(self) -> None:
        if self.notes:
            print("axe, not failed (moderate, minor or best practice):\n" + "\n".join(self.notes))
        assert not self.failures, (
            f"serious or critical accessibility violations on {len(self.pages)} pages:\n"
            + "\n".join(self.failures)
        )
