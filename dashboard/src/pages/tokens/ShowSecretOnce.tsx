import { Button } from "../../components/Button";
import { CopyButton } from "../../components/CopyButton";
import { Notice } from "../../components/Notice";

/** A new key or rotated secret, shown once: closing forgets it (only its hash is stored). */
export function ShowSecretOnce({
  token,
  note,
  onDone,
}: {
  token: string;
  note?: string;
  onDone: () => void;
}) {
  return (
    <div className="space-y-3">
      <Notice tone="warning">Copy this key now. It is shown only once and cannot be recovered.</Notice>
      {note && <p className="text-sm text-slate-600">{note}</p>}
      <div className="flex items-center gap-2">
        <code
          aria-label="New token"
          data-testid="new-token"
          className="min-w-0 flex-1 rounded bg-slate-100 px-2 py-1.5 font-mono text-xs break-all"
        >
          {token}
        </code>
        <CopyButton text={token} />
      </div>
      <div className="flex justify-end">
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
