import { parseArgs } from "node:util";

const HELP = `npm run bench -- [options]

  --db sqlite|postgres   app storage (default sqlite; postgres makes and drops its own database)
  --clients N            active clients, one user and one socket each (default 200)
  --group-size N         members per group (default 10)
  --direct-share F       share of clients in one-to-one chats, the rest in groups (default 0.2)
  --text-bytes N         message text size (default 100)
  --rate R               fixed-rate run at R messages/s in total instead of a rate search
  --step-seconds S       measured seconds per load step (default 3; 5 with --sweep)
  --connections N        idle authenticated connections for the memory figure (default 1000)
  --sweep                full sweep: finer rate search, then active clients 500..5000 at half
                         the app's sustained rate, a rate search with 2,000 clients and a step
                         at half the app's rate there, and 5,000 idle connections
  --only app|baseline    run one side only (no ratios)
  --cpu-prof             write V8 CPU profiles of both servers to bench/results/profiles/
  --smoke                a few clients for a few seconds; exits 1 on any lost or duplicated delivery
  --no-pin               do not pin server and load generator to separate cores
  --out NAME             result file name under bench/results (default: latest or sweep, -postgres)
  --app-entry FILE       start this build of the server instead of backend/dist/main.js (A/B runs)
  --loadgen-processes N  spread the active clients over N load-generator processes, whole
                         conversations each, on the cores the server does not use (default 1;
                         more only helps with more than two cores)
`;

export function readOptions(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: "string", default: "sqlite" },
      clients: { type: "string" },
      "group-size": { type: "string", default: "10" },
      "direct-share": { type: "string", default: "0.2" },
      "text-bytes": { type: "string", default: "100" },
      rate: { type: "string" },
      "step-seconds": { type: "string" },
      connections: { type: "string" },
      sweep: { type: "boolean", default: false },
      only: { type: "string" },
      "cpu-prof": { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      "no-pin": { type: "boolean", default: false },
      out: { type: "string" },
      "app-entry": { type: "string" },
      "loadgen-processes": { type: "string", default: "1" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  if (!["sqlite", "postgres"].includes(values.db)) throw new Error("--db must be sqlite or postgres");
  if (values.only && !["app", "baseline"].includes(values.only)) throw new Error("--only must be app or baseline");
  const smoke = values.smoke;
  const num = (v, d) => (v === undefined ? d : Number(v));
  const opts = {
    db: values.db,
    clients: num(values.clients, smoke ? 24 : 200),
    groupSize: num(values["group-size"], 10),
    directShare: num(values["direct-share"], 0.2),
    textBytes: num(values["text-bytes"], 100),
    rate: values.rate === undefined ? (smoke ? 200 : undefined) : Number(values.rate),
    stepSeconds: num(values["step-seconds"], smoke ? 2 : values.sweep ? 5 : 3),
    connections: num(values.connections, smoke ? 48 : values.sweep ? 5000 : 1000),
    sweep: values.sweep,
    sides: values.only ? [values.only] : ["baseline", "app"],
    cpuProf: values["cpu-prof"],
    smoke,
    pin: !values["no-pin"],
    appEntry: values["app-entry"],
    loadgenProcesses: Number(values["loadgen-processes"]),
    out: values.out ?? `${values.sweep ? "sweep" : "latest"}${values.db === "postgres" ? "-postgres" : ""}`,
  };
  if (!(Number.isInteger(opts.loadgenProcesses) && opts.loadgenProcesses >= 1 && opts.loadgenProcesses <= 16)) {
    throw new Error("--loadgen-processes takes an integer from 1 to 16");
  }
  for (const k of ["clients", "groupSize", "textBytes", "stepSeconds", "connections"]) {
    if (!Number.isInteger(opts[k]) || opts[k] < 1) throw new Error(`--${k} must be a positive integer`);
  }
  if (opts.clients > 20_000 || opts.connections > 20_000) throw new Error("at most 20,000 clients or connections");
  if (!(opts.directShare >= 0 && opts.directShare <= 1)) throw new Error("--direct-share must be in [0, 1]");
  if (opts.rate !== undefined && !(opts.rate > 0 && opts.rate <= 200_000)) throw new Error("--rate out of range");
  return opts;
}
