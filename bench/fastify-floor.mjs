// The Fastify floor: the same request as message create (JSON body parsed, 202 with a small
// JSON answer) through Fastify with no validation, no auth and no store. It shows how much of
// the bare node:http yardstick the framework itself leaves for Hookrelay's own work (ADR 23).
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.post("/api/v1/app/:app_id/msg", async (req, reply) => {
  reply.code(202);
  return { id: "msg_x", eventType: req.body.eventType, timestamp: new Date().toISOString() };
});
process.on("SIGINT", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
app.listen({ port: 0, host: "127.0.0.1" }).then((address) => {
  process.stdout.write(`listening on ${address}\n`);
});
