import { type Config, loadConfig } from "../config/config.js";
import { type OpenServices,openServices } from "../main.js";

/**
 * Runs one command on the configured store and services, opened as the server opens them
 * ({@link openServices}: data key, migrations, the same services), then closes them. Changes
 * made through the services are audited as whoever the command passes, `CLI_ACTOR` by house rule.
 *
 * @example await withServices(({ services }) => services.tokens.revoke(CLI_ACTOR, id))
 */
export async function withServices<T>(fn: (opened: OpenServices, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const opened = await openServices(config, {
    warn: (message) => process.stderr.write(`${message}\n`),
    // A one-shot command queues no deliveries for other instances to hear about.
    crossProcessWakeup: false,
  });
  try {
    return await fn(opened, config);
  } finally {
    await opened.close();
  }
}
