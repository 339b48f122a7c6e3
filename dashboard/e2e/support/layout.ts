import type { Page } from "playwright-core";

/**
 * Tables (and the page) wider than the space they are given, as "label: needed > available"
 * lines; empty when nothing is cut off or needs a sideways scroll.
 */
export async function clippedTables(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const table of Array.from(document.querySelectorAll("table"))) {
      const box = table.parentElement!;
      if (box.scrollWidth > box.clientWidth + 1)
        out.push(`${table.getAttribute("aria-label") ?? "table"}: ${box.scrollWidth} > ${box.clientWidth}`);
    }
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) out.push(`page: ${root.scrollWidth} > ${root.clientWidth}`);
    return out;
  });
}
