export { SruSource, type SruCheckpoint, type SruSourceOptions } from "./sru-source.ts";
export { SruClient, searchRetrieveUrl, type SruClientOptions, type SruVersion } from "./client.ts";
export {
  SruDiagnosticError,
  SruError,
  SruHttpError,
  SruNetworkError,
  SruProtocolError,
  SruTimeoutError,
  type SruDiagnostic,
} from "./errors.ts";
export { SruResponseParser, type SruRecordEntry, type SruResponse } from "./response-parser.ts";
export { MarcXmlSink, type RecordDataSink } from "./record-data.ts";
export { sruSourceOptions } from "./row-options.ts";
