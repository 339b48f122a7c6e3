import { type QueryKey, useInfiniteQuery } from "@tanstack/react-query";

import type { Page } from "./types";

export interface ListOptions {
  /** Poll every n ms (lists that watch live traffic). */
  refetchInterval?: number;
  enabled?: boolean;
}

/**
 * A paginated Svix list as a "Load more" list: pages are fetched with the previous page's
 * `iterator` until `done`.
 */
export function useList<T>(
  key: QueryKey,
  fetchPage: (iterator: string | undefined) => Promise<Page<T>>,
  options: ListOptions = {},
) {
  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page<T>) => (last.done || !last.iterator ? undefined : last.iterator),
    refetchInterval: options.refetchInterval,
    enabled: options.enabled,
  });
  const items = query.data?.pages.flatMap((p) => p.data) ?? [];
  return { ...query, items };
}
