import { backtestArtifactStamp, readBacktestArtifact, type BacktestArtifactFile } from '../mart/read-backtest-artifact.js';

/**
 * The project's target/backtest_results.json as the dashboard serves it: read again only
 * when the file changed (its time and size), so a backtest run while the dashboard is open
 * is seen by the next request, and an unchanged file costs a stat.
 */
export class BacktestResults {
  private kept: { stamp: string; file: BacktestArtifactFile } | null = null;

  constructor(
    /** Where the file is. */
    readonly path: string,
    /** The same, as messages write it (relative to the project). */
    readonly shownPath: string,
  ) {}

  read(): BacktestArtifactFile | null {
    const stamp = backtestArtifactStamp(this.path);
    if (stamp === null) {
      this.kept = null;
      return null;
    }
    if (this.kept?.stamp !== stamp) {
      const file = readBacktestArtifact(this.path);
      if (!file) return null;
      this.kept = { stamp, file };
    }
    return this.kept.file;
  }
}
