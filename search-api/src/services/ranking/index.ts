export * from "./types.ts";
export {
  ago,
  FEW_REQUESTS,
  haversineKm,
  POD_FALLBACK,
  rankCopies,
  shrink,
  statusAge,
  tierOf,
} from "./rank-copies.ts";
export { LIVE_TIMEOUT_MS, lookUpLive, type LiveAnswer } from "./live-lookup.ts";
export { rankCopiesFor, UnknownBorrowerError, type RankCopiesOptions } from "./rank-copies-for.ts";
