import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { fetchAllPages } from "../../api/pages";
import { audit, type AuditQuery } from "../../api/resources";
import { Button } from "../../components/Button";
import { ActionError } from "../../components/ErrorState";
import { Notice } from "../../components/Notice";
import { downloadText } from "../../lib/download";
import { auditToCsv } from "./auditCsv";

const MAX_ROWS = 50_000;

/** Downloads every row matching the filters (not only the loaded ones) as CSV. */
export function AuditExportButton({ filters }: { filters: AuditQuery }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function run() {
    setError(null);
    setProgress(0);
    try {
      const { items, truncated } = await fetchAllPages(
        (iterator) => audit.list({ ...filters, iterator, limit: 250 }),
        MAX_ROWS,
        setProgress,
      );
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      downloadText(`audit-log-${stamp}.csv`, auditToCsv(items));
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

/** Recomputes the hash chain on the server and shows the outcome (or the first broken row). */
export function VerifyChain() {
  const verify = useMutation({ mutationFn: () => audit.verify() });
  const result = verify.data;
  return (
    <div className="flex flex-col items-end gap-2">
      <Button size="sm" onClick={() => verify.mutate()} busy={verify.isPending}>
        Verify chain
      </Button>
      {result && result.ok && (
        <Notice>
          Chain intact: {result.checked} rows checked from row {result.fromSeq}.
        </Notice>
      )}
      {result && !result.ok && result.firstBroken && (
        <Notice tone="warning">
          Chain broken at row {result.firstBroken.seq}: {result.firstBroken.reason}.
        </Notice>
      )}
      <ActionError error={verify.error} />
    </div>
  );
}
