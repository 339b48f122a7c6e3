import { Button } from "./Button";

interface Props {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  count: number;
}

/** The footer of every list: how many rows are shown and a "Load more" button while not done. */
export function LoadMore({ hasNextPage, isFetchingNextPage, fetchNextPage, count }: Props) {
  return (
    <div className="flex items-center justify-between border-t border-slate-100 px-5 py-2.5 text-xs text-slate-500">
      <span>
        {count} {count === 1 ? "row" : "rows"}
        {hasNextPage ? " loaded" : ""}
      </span>
      {hasNextPage ? (
        <Button size="sm" onClick={() => fetchNextPage()} busy={isFetchingNextPage}>
          Load more
        </Button>
      ) : (
        count > 0 && <span>End of list</span>
      )}
    </div>
  );
}
