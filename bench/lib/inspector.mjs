// Forces a full garbage collection in a server started with --inspect, through the
// DevTools protocol, so memory figures compare live data rather than GC timing.
import WebSocket from "ws";

export function inspectorUrl(output) {
  return output.match(/Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/)?.[1];
}

export function collectGarbage(wsUrl) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error("inspector did not answer in 10 s"));
    }, 10_000);
    ws.on("open", () => ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" })));
    ws.on("message", (data) => {
      if (JSON.parse(String(data)).id !== 1) return;
      clearTimeout(timer);
      ws.close();
      resolve();
    });
    ws.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
