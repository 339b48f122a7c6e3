import { useState } from "react";

import { fetchAllPages } from "../api/pages";
import type { Page } from "../api/types";
import { downloadText } from "../lib/download";
import { Button } from "./Button";
import { ActionError } from "./ErrorState";

/** Exports stop here; a larger set should be narrowed by its filters first. */
const MAX_ROWS = 50_000;

/**
 * Downloads every row a list query matches (walking its pages, not just the loaded rows) as
 * `{prefix}-{time}.csv`, showing the running count while it fetches.
 *
 * @example <CsvExportButton prefix="audit-log" fetchPage={(it) => audit.list({ iterator: it })} toCsv={auditToCsv} />
 */
export function CsvExportButton<T>({
  prefix,
  fetchPage,
  toCsv,
}: {
  prefix: string;
  fetchPage: (iterator: string | undefined) => Promise<Page<T>>;
  toCsv: (rows: T[]) => string;
}) {
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function run() {
    setError(null);
    setProgress(0);
    try {
      const { items, truncated } = await fetchAllPages(fetchPage, MAX_ROWS, setProgress);
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      downloadText(`${prefix}-${stamp}.csv`, toCsv(items));
      if (truncated)
        setError(new Error(`Export stopped at ${MAX_ROWS} rows; narrow the filters to export the rest.`));
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  }

  return (
    <div className="relative">
      <Button size="sm" onClick={run} busy={progress !== null}>
        {progress === null ? "Export CSV" : `Exporting… ${progress}`}
      </Button>
      {error !== null && (
        <div className="absolute right-0 z-10 mt-1 w-80">
          <ActionError error={error} />
        </div>
      )}
    </div>
  );
}
