import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { LatencyHistogram, LatencySeries } from "../api/types";
import { ms, plural } from "../components/format";
import { seriesNames, type SeriesName } from "./chartLabels";
import { useWidth } from "./useWidth";

// One small histogram per model on the run's shared buckets, so their shapes compare at a glance.
const H = 64;
const SIDE = 2;
const BOTTOM = 16;
const BUCKETS = 20;

function Histogram({ series, edges, name, width }: { series: LatencySeries; edges: number[]; name: SeriesName; width: number }) {
  const W = Math.max(200, width);
  const top = Math.max(1, ...series.counts);
  const calls = series.counts.reduce((a, b) => a + b, 0);
  const bar = (W - 2 * SIDE) / Math.max(1, series.counts.length);
  const spoken = `${name.full}: ${plural(calls, "call")} from ${ms(edges[0])} to ${ms(edges[edges.length - 1])}, p50 ${ms(series.p50)}, p95 ${ms(series.p95)}; calls per bucket ${series.counts.join(", ")}`;
  return (
    <div className="histogram">
      <div className="histogram-title" title={name.full}>
        <span className="hbar-model">{name.model}</span>
        {name.prompt && <span className="hbar-prompt"> · {name.prompt}</span>}
        <span className="muted small"> · p50 {ms(series.p50)} · p95 {ms(series.p95)}</span>
      </div>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={spoken}>
        {series.counts.map((c, i) => {
          const h = ((H - BOTTOM - 4) * c) / top;
          return (
            <rect key={i} x={SIDE + i * bar + 1} y={H - BOTTOM - h} width={Math.max(1, bar - 2)} height={h} className="bar-fill">
              <title>{`${ms(edges[i])} – ${ms(edges[i + 1])}: ${plural(c, "call")}`}</title>
            </rect>
          );
        })}
        <line x1={SIDE} x2={W - SIDE} y1={H - BOTTOM} y2={H - BOTTOM} className="axis-line" />
        <text x={SIDE} y={H - 3} className="axis">{ms(edges[0])}</text>
        <text x={W - SIDE} y={H - 3} textAnchor="end" className="axis">{ms(edges[edges.length - 1])}</text>
      </svg>
    </div>
  );
}

/** Latency distribution per model from /runs/{id}/latency; `version` refetches it as results land. */
export function LatencyHistograms({ runId, version }: { runId: string; version: number }) {
  const [ref, width] = useWidth(360);
  const hist = useQuery({
    queryKey: ["run-latency", runId, version],
    queryFn: () => api<LatencyHistogram>(`/runs/${runId}/latency`, { query: { buckets: BUCKETS } }),
    placeholderData: (previous) => previous,
  });
  const data = hist.data;
  if (!data || data.series.length === 0) return null;
  const names = seriesNames(data.series.map((s) => ({ provider: s.provider, prompt: s.prompt })));
  return (
    <figure className="chart">
      <figcaption>Latency distribution</figcaption>
      <div ref={ref} className="chart-body">
        {data.series.map((s, i) => (
          <Histogram key={`${s.prompt}\u0000${s.provider}`} series={s} edges={data.bucket_edges_ms} name={names[i]} width={width} />
        ))}
      </div>
    </figure>
  );
}
