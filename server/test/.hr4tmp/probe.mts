import { createPgSchema } from "../../src/test-support/postgres.ts";
import { ApiClient, sendMessages } from "../support/load.ts";
import { startServer } from "../support/server-process.ts";
import { startTrackingReceiver } from "../support/tracking-receiver.ts";
const role = process.argv[2] ?? "all";
const endpoints = Number(process.argv[3] ?? 5);
const schema = await createPgSchema("postgres://postgres@127.0.0.1:5432/test");
const receiver = await startTrackingReceiver();
const s = await startServer({ env: { DATABASE_URL: schema.url, HOOKRELAY_ROLE: role, ...(process.env.EXTRA ? JSON.parse(process.env.EXTRA) : {}) } });
const a = new ApiClient(s.url, s.token, 32);
await a.post("/api/v1/app", { name: "P", uid: "p" });
for (let i = 0; i < endpoints; i++) await a.post("/api/v1/app/p/endpoint", { url: receiver.url + "/e" + i });
for (const n of [500, 2000]) {
  const r = await sendMessages({ app: "p", count: n, concurrency: 32, pick: () => a });
  console.log(role, n, "msgs", (n / r.seconds).toFixed(0), "msg/s", Object.fromEntries(r.statuses), "delivered so far", receiver.total());
}
await a.close();
await s.stop();
await receiver.close();
await schema.drop();
