/** The parser's shape (the package ships no types): one entry per metric family. */
declare module 'parse-prometheus-text-format' {
  interface PrometheusMetric {
    labels?: Record<string, string>;
    value?: string;
  }
  interface PrometheusFamily {
    name: string;
    help: string;
    type: 'GAUGE' | 'COUNTER' | 'SUMMARY' | 'HISTOGRAM' | 'UNTYPED';
    metrics: PrometheusMetric[];
  }
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
