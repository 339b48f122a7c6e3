import type { Page } from "./types";

/**
 * Walks a Svix-style list (`iterator` / `done`) to the end or to `max` items, for exports and bulk
 * actions. `onProgress` reports the running count so the UI can show it.
 *
 * @example const all = await fetchAllPages((it) => messages.list(app, { iterator: it, limit: 250 }), 10_000);
 */
export async function fetchAllPages<T>(
  fetchPage: (iterator: string | undefined) => Promise<Page<T>>,
  max: number,
  onProgress?: (count: number) => void,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let iterator: string | undefined;
  for (;;) {
    const page = await fetchPage(iterator);
    items.push(...page.data);
    onProgress?.(items.length);
    if (items.length >= max) return { items: items.slice(0, max), truncated: true };
    if (page.done || !page.iterator || page.iterator === iterator || page.data.length === 0)
      return { items, truncated: false };
    iterator = page.iterator;
  }
}
