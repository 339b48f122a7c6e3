// The delivery target: answers 200 at once and reports how many requests it has seen when
// asked over IPC, so the runner can time end-to-end delivery without sharing a process.
import { createServer } from "node:http";

let count = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    count++;
    res.writeHead(200);
    res.end("ok");
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ url: `http://127.0.0.1:${server.address().port}` });
});
process.on("message", (m) => {
  if (m === "count") process.send?.({ count });
  if (m === "reset") count = 0;
});
