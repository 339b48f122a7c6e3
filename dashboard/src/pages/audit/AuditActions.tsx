import type { UseMutationResult } from "@tanstack/react-query";

import { audit, type AuditQuery } from "../../api/resources";
import type { AuditVerifyOut } from "../../api/types";
import { CsvExportButton } from "../../components/CsvExportButton";
import { ActionError } from "../../components/ErrorState";
import { Notice } from "../../components/Notice";
import { auditToCsv } from "./auditCsv";

/** Downloads every row matching the filters (not only the loaded ones) as CSV. */
export function AuditExportButton({ filters }: { filters: AuditQuery }) {
  return (
    <CsvExportButton
      prefix="audit-log"
      fetchPage={(iterator) => audit.list({ ...filters, iterator, limit: 250 })}
      toCsv={auditToCsv}
    />
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
