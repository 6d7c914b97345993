import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { LatencyHistogram, LatencySeries } from "../api/types";
import { ms } from "../components/format";

// One small histogram per model on the run's shared buckets, so their shapes compare at a glance.
const W = 400;
const H = 70;
const LEFT = 8;
const BOTTOM = 16;
const BUCKETS = 20;

const name = (s: LatencySeries, many: boolean) => {
  const model = s.provider.replace(/^openrouter:/, "");
  return many ? `${model} · ${s.prompt}` : model;
};

function Histogram({ series, edges, many }: { series: LatencySeries; edges: number[]; many: boolean }) {
  const top = Math.max(1, ...series.counts);
  const calls = series.counts.reduce((a, b) => a + b, 0);
  const width = (W - 2 * LEFT) / Math.max(1, series.counts.length);
  const title = name(series, many);
  const spoken = `${title}: ${calls} calls from ${ms(edges[0])} to ${ms(edges[edges.length - 1])}, p50 ${ms(series.p50)}, p95 ${ms(series.p95)}; calls per bucket ${series.counts.join(", ")}`;
  return (
    <div className="histogram">
      <div className="muted">{title} · p50 {ms(series.p50)} · p95 {ms(series.p95)}</div>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={spoken}>
        {series.counts.map((c, i) => {
          const h = ((H - BOTTOM - 4) * c) / top;
          return (
            <rect key={i} x={LEFT + i * width + 1} y={H - BOTTOM - h} width={Math.max(1, width - 2)} height={h} className="bar-fill">
              <title>{`${ms(edges[i])} – ${ms(edges[i + 1])}: ${c}`}</title>
            </rect>
          );
        })}
        <line x1={LEFT} x2={W - LEFT} y1={H - BOTTOM} y2={H - BOTTOM} className="axis-line" />
        <text x={LEFT} y={H - 3} className="axis">{ms(edges[0])}</text>
        <text x={W - LEFT} y={H - 3} textAnchor="end" className="axis">{ms(edges[edges.length - 1])}</text>
      </svg>
    </div>
  );
}

/** Latency distribution per model from /runs/{id}/latency; `version` refetches it as results land. */
export function LatencyHistograms({ runId, version }: { runId: string; version: number }) {
  const hist = useQuery({
    queryKey: ["run-latency", runId, version],
    queryFn: () => api<LatencyHistogram>(`/runs/${runId}/latency`, { query: { buckets: BUCKETS } }),
    placeholderData: (previous) => previous,
  });
  const data = hist.data;
  if (!data || data.series.length === 0) return null;
  const many = new Set(data.series.map((s) => s.prompt)).size > 1;
  return (
    <figure className="chart">
      <figcaption>Latency distribution</figcaption>
      {data.series.map((s) => (
        <Histogram key={`${s.prompt}\u0000${s.provider}`} series={s} edges={data.bucket_edges_ms} many={many} />
      ))}
    </figure>
  );
}
