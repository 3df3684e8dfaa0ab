/** kpi's version, as `kpi --version` and every artifact's metadata give it. */
export const KPI_VERSION = '0.1.0';
