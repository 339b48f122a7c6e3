import { CsvExportButton } from "../../components/CsvExportButton";
import { messagesToCsv } from "./csvExport";
import { fetchMessagePage } from "./messageQuery";
import type { MessageSearch } from "./search";

/** Downloads every message matching the search (not just the loaded rows) as CSV. */
export function ExportCsvButton({ appId, search }: { appId: string; search: MessageSearch }) {
  return (
    <CsvExportButton
      prefix={`messages-${appId}`}
      fetchPage={(it) => fetchMessagePage(appId, search, it, 250)}
      toCsv={messagesToCsv}
    />
  );
}
