import { setFlagsFromString } from "node:v8";

/**
 * Imported first by main.ts, before the server allocates anything of note.
 *
 * V8 allocates objects from a code site straight into the old generation once most of
 * that site's objects have survived young collections ("allocation-site pretenuring").
 * A chat server decides that while sockets connect: a wave of connections makes
 * long-lived objects from the same engine.io, ws and Socket.IO sites that later make
 * every packet and frame. After 1,000 connections had come and gone, each message was
 * then born old, and with it everything it pointed to survived (about 140 KB per young
 * collection at 5,000 messages/s, and a major collection stalling the event loop for
 * 30-70 ms every few seconds). Without pretenuring, per-message objects die young.
 * Measured in bench/ (docs/performance.md); the flag is read at allocation time, so
 * setting it here, before the first pretenuring decision, is enough.
 */
setFlagsFromString("--no-allocation-site-pretenuring");

// `--single-threaded-gc` belongs here too, but V8 fixes its collector's threads at start-up:
// with the flags it implies (no concurrent or parallel marking, scavenging or sweeping) set
// before the server loaded, the process aborted in its first major collection. So `npm start`,
// the Dockerfile and the benchmark pass it on the command line (docs/performance.md, item 31).
