// One of several load-generator processes (--loadgen-processes). It holds the sockets of
// whole conversations, so every delivery it checks was sent by one of its own clients and
// is timed on its own clock, and it runs the steps its parent (loadgen-pool.mjs) asks for.
import { closeAll, connectAll } from "./clients.mjs";
import { createWorkload } from "./workload.mjs";

// The parent reads the server's CPU and memory; this process only drives and checks clients.
const noServer = { stats: () => ({ cpu: 0, rss: 0, peakRss: 0 }), alive: () => true };
let sockets = [];
let workload;

process.on("message", async (msg) => {
  try {
    if (msg.type === "connect") {
      sockets = await connectAll(msg.url, msg.tokens);
      workload = createWorkload({
        sockets,
        conversations: msg.conversations,
        textBytes: msg.textBytes,
        server: noServer,
      });
      process.send({ type: "ready" });
    } else if (msg.type === "run") {
      const result = await workload.run(msg.rate, msg.seconds, { step: msg.step, histograms: true });
      process.send({ type: "result", result });
    } else if (msg.type === "close") {
      closeAll(sockets);
      process.disconnect();
    }
  } catch (err) {
    process.send({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
