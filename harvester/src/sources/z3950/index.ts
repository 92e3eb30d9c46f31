export {
  ALL_RECORDS_PQF,
  Z3950Source,
  type Z3950Checkpoint,
  type Z3950RecordSyntax,
  type Z3950SourceOptions,
} from "./z3950-source.ts";
export { parseZ3950Endpoint } from "./endpoint.ts";
export { Z3950DiagnosticError, Z3950Error, Z3950TimeoutError, ZoomshNotFoundError } from "./errors.ts";
export { runZoomsh, type Z3950Target } from "./zoomsh.ts";
export { parseZoomshOutput, type ZoomshOutput, type ZoomshRecord } from "./zoomsh-output.ts";
export { z3950SourceOptions } from "./row-options.ts";
