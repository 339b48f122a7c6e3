import { failureReason } from "../lib/failure-reason";

/** Why an attempt failed, on one truncated line; the full text is in the tooltip. */
export function FailureReason({
  code,
  response,
  className = "",
}: {
  code: number | null | undefined;
  response: string | null | undefined;
  className?: string;
}) {
  const reason = failureReason(code, response);
  if (!reason) return null;
  return (
    <span
      data-failure-reason
      title={response || reason}
      className={`block truncate text-xs text-red-700 ${className || "max-w-[14rem]"}`}
    >
      {reason}
    </span>
  );
}
