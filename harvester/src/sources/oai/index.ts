export { OaiPmhSource, type OaiPmhSourceOptions } from "./oai-source.ts";
export {
  OaiClient,
  type ListPage,
  type ListRequest,
  type OaiClientOptions,
  type OaiLogger,
} from "./client.ts";
export type { OaiCheckpoint } from "./checkpoint.ts";
export type { OaiHeader, OaiRecord, ResumptionToken } from "./list-parser.ts";
export type { IdentifyResponse, MetadataFormat, OaiSet, Granularity } from "./small-verbs.ts";
export {
  OaiError,
  OaiHarvestError,
  OaiHttpError,
  OaiNetworkError,
  OaiProtocolError,
  OaiResponseTooLargeError,
  OaiTimeoutError,
} from "./errors.ts";
