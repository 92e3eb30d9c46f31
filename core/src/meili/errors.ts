/**
 * Errors raised while talking to Meilisearch. One small hierarchy so callers can map them to HTTP
 * in one place: `MeiliUnreachableError` (the server cannot be reached: 503), `MeiliApiError` (the
 * server answered with an error), `MeiliTaskError` (an enqueued task failed), `MeiliBinaryError`
 * (the embedded server cannot run here).
 */
export class MeiliError extends Error {
  override name = "MeiliError";
}

/** The error body Meilisearch sends with every 4xx/5xx answer. */
export interface MeiliErrorBody {
  message: string;
  code: string;
  type: string;
  link?: string;
}

export function isMeiliErrorBody(value: unknown): value is MeiliErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.message === "string" && typeof record.code === "string";
}

/** Meilisearch answered with an error status. `code` and `type` are Meilisearch's own. */
export class MeiliApiError extends MeiliError {
  override name = "MeiliApiError";
  readonly status: number;
  readonly code: string;
  readonly type: string;
  readonly link: string | undefined;
  readonly method: string;
  readonly path: string;

  constructor(status: number, body: unknown, request: { method: string; path: string }) {
    const known = isMeiliErrorBody(body) ? body : undefined;
    super(known?.message ?? `Meilisearch answered ${status} to ${request.method} ${request.path}`);
    this.status = status;
    this.code = known?.code ?? `http_${status}`;
    this.type = known?.type ?? (status >= 500 ? "internal" : "invalid_request");
    this.link = known?.link;
    this.method = request.method;
    this.path = request.path;
  }
}

/** The connection failed: refused, reset, DNS, timed out. The request may not have been seen. */
export class MeiliUnreachableError extends MeiliError {
  override name = "MeiliUnreachableError";
  readonly url: string;
  /** The socket error code (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`, ...). */
  readonly code: string;

  constructor(url: string, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.url = url;
    this.code = code;
  }
}

/** An enqueued Meilisearch task ended as `failed` or `canceled`. */
export class MeiliTaskError extends MeiliError {
  override name = "MeiliTaskError";
  readonly taskUid: number;
  readonly status: string;
  /** Meilisearch's error code for the task (`invalid_document_id`, ...), when it failed. */
  readonly code: string | undefined;

  constructor(taskUid: number, status: string, error: MeiliErrorBody | null | undefined, taskType?: string) {
    const what = taskType ? `${taskType} task ${taskUid}` : `task ${taskUid}`;
    super(error ? `Meilisearch ${what} ${status}: ${error.message}` : `Meilisearch ${what} ${status}`);
    this.taskUid = taskUid;
    this.status = status;
    this.code = error?.code;
  }
}

/** Waiting for a task took longer than allowed; the task may still finish later. */
export class MeiliTaskTimeoutError extends MeiliError {
  override name = "MeiliTaskTimeoutError";
  readonly taskUids: number[];

  constructor(taskUids: number[], timeoutMs: number) {
    const shown = taskUids.slice(0, 10).join(", ") + (taskUids.length > 10 ? ", ..." : "");
    super(`Meilisearch task(s) ${shown} not finished after ${timeoutMs} ms`);
    this.taskUids = taskUids;
  }
}

/** The embedded Meilisearch binary cannot be run on this machine. */
export class MeiliBinaryError extends MeiliError {
  override name = "MeiliBinaryError";
}
