/** "Live · updated 10:42:05": tells the user the numbers refresh on their own. */
export function LiveIndicator({
  updatedAt,
  fetching,
  failed,
}: {
  updatedAt: number;
  fetching: boolean;
  failed: boolean;
}) {
  const time = updatedAt ? new Date(updatedAt).toLocaleTimeString() : "—";
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-slate-500" aria-live="off">
      <span
        className={`size-2 rounded-full ${failed ? "bg-red-500" : fetching ? "bg-indigo-400" : "bg-emerald-500"} ${failed ? "" : "animate-pulse"}`}
        aria-hidden="true"
      />
      {failed ? "Update failed" : "Live"} · updated {time}
    </span>
  );
}
