import type { Page } from "playwright-core";

/**
 * Signs the page in to the dashboard at `baseUrl` with `token`, and waits for the overview.
 *
 * @example await signIn(page, server.url, server.adminToken);
 */
export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Overview" }).waitFor();
}
