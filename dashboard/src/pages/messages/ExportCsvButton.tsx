import { useState } from "react";

import { fetchAllPages } from "../../api/pages";
import { Button } from "../../components/Button";
import { ActionError } from "../../components/ErrorState";
import { downloadText } from "../../lib/download";
import { messagesToCsv } from "./csvExport";
import { fetchMessagePage } from "./messageQuery";
import type { MessageSearch } from "./search";

const MAX_ROWS = 50_000;

/** Downloads every message matching the search (not just the loaded rows) as CSV. */
export function ExportCsvButton({ appId, search }: { appId: string; search: MessageSearch }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function run() {
    setError(null);
    setProgress(0);
    try {
      const { items, truncated } = await fetchAllPages(
        (it) => fetchMessagePage(appId, search, it, 250),
        MAX_ROWS,
        setProgress,
      );
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      downloadText(`messages-${appId}-${stamp}.csv`, messagesToCsv(items));
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
