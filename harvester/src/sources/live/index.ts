export { createLiveAvailability, MAX_LIVE_TIMEOUT_MS } from "./live-availability.ts";
export type { LiveAvailabilityOptions, SruLiveOptions, Z3950LiveOptions } from "./live-availability.ts";
export { LiveAvailabilityError, LiveAvailabilityTimeoutError } from "./errors.ts";
export { OpacXmlSink, type OpacRecord } from "./opac-xml.ts";
export type { LiveAvailability, LiveHolding, LiveQuery, LiveResult } from "./types.ts";
export { liveAvailabilityOptions } from "./row-options.ts";
