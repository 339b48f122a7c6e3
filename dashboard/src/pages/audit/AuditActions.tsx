import type { UseMutationResult } from "@tanstack/react-query";
import { useState } from "react";

import { fetchAllPages } from "../../api/pages";
import { audit, type AuditQuery } from "../../api/resources";
import type { AuditVerifyOut } from "../../api/types";
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

/** The outcome of "Verify chain": intact, or the first broken row and why. */
export function VerifyResult({ verify }: { verify: UseMutationResult<AuditVerifyOut, unknown, void> }) {
  const result = verify.data;
  if (verify.error) return <ActionError error={verify.error} />;
  if (!result) return null;
  return (
    <div className="mb-4">
      {result.ok ? (
        <Notice>
          Chain intact: {result.checked} rows checked from row {result.fromSeq}.
        </Notice>
      ) : (
        <Notice tone="warning">
          Chain broken at row {result.firstBroken?.seq}: {result.firstBroken?.reason}.
        </Notice>
      )}
    </div>
  );
}
