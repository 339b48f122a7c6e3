import { ApiError } from "../api/client";
import { Button } from "./Button";

interface Props {
  error: unknown;
  /** What was being loaded, e.g. "endpoints". */
  what?: string;
  onRetry?: () => void;
  compact?: boolean;
}

/** Shows the API's `{code, detail}`; a 404 from a Hookrelay addition explains the feature is missing. */
export function ErrorState({ error, what, onRetry, compact }: Props) {
  const api = error instanceof ApiError ? error : null;
  const code = api?.code ?? "error";
  const detail = api?.detail ?? (error instanceof Error ? error.message : String(error));
  const notAvailable =
    api?.status === 404 &&
    (code === "not_found" || code.startsWith("http_")) &&
    /route|not found on this server/i.test(detail);
  return (
    <div
      role="alert"
      className={`rounded-md border border-red-200 bg-red-50 text-sm text-red-800 ${compact ? "px-3 py-2" : "px-4 py-3"}`}
    >
      <div className="flex items-start justify-between gap-3">
        <div>
          <p className="font-medium">
            {notAvailable
              ? `This server does not provide ${what ?? "this feature"} yet`
              : `Could not load ${what ?? "data"}`}
          </p>
          <p className="mt-0.5 break-words">
            <code className="rounded bg-red-100 px-1 py-0.5 font-mono text-xs">{code}</code> {detail}
          </p>
        </div>
        {onRetry && (
          <Button size="sm" onClick={onRetry}>
            Retry
          </Button>
        )}
      </div>
    </div>
  );
}

/** A failed action (save, delete, resend), shown under the form that triggered it. */
export function ActionError({ error }: { error: unknown }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  return (
    <p role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
      <code className="font-mono text-xs">{api?.code ?? "error"}</code>{" "}
      {api?.detail ?? (error instanceof Error ? error.message : String(error))}
    </p>
  );
}
