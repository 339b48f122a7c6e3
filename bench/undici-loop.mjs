// A raw undici POST loop in a process of its own, as the delivery worker is: it gets
// { url, path, total, concurrency, headers, body } over IPC, sends `total` POSTs with at most
// `concurrency` in flight, and answers { rps, non2xx, seconds }. The delivery yardstick (to the
// receiver) and the backlog phase's message creation (to the API) both use it.
import { Pool } from "undici";

process.once("message", async ({ url, path, total, concurrency, headers, body }) => {
  const pool = new Pool(url, { connections: concurrency });
  let sent = 0;
  let non2xx = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) {
        sent++;
        try {
          const r = await pool.request({ path, method: "POST", headers, body });
          await r.body.dump();
          if (r.statusCode < 200 || r.statusCode >= 300) non2xx++;
        } catch {
          non2xx++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  process.send({ rps: total / seconds, non2xx, seconds });
  process.disconnect();
});
