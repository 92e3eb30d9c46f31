/**
 * One way in to Meilisearch for every process: the server at MEILI_URL when it is set, otherwise
 * the embedded (managed) one under the data folder.
 */
import type { Config } from "../config.ts";
import { MeiliApiError, MeiliError, MeiliUnreachableError } from "./errors.ts";
import { startManagedMeilisearch } from "./managed.ts";
import { createMeiliTransport, type MeiliTransport } from "./transport.ts";

export interface MeiliConnection {
  readonly url: string;
  readonly apiKey: string | undefined;
  readonly transport: MeiliTransport;
  /** True when this process started the server (and stops it on close). */
  readonly managed: boolean;
  /** Closes the sockets and stops the managed server, if any. */
  close(): Promise<void>;
}

export type MeiliConnectConfig = Pick<Config, "MEILI_URL" | "MEILI_MASTER_KEY" | "dataDir"> & {
  /** A Meilisearch binary for the managed server; process.env.MEILI_BINARY when absent. */
  MEILI_BINARY?: string;
  /** MEILI_MAX_INDEXING_THREADS for the managed server. */
  MEILI_MAX_INDEXING_THREADS?: number;
};

export async function connectMeilisearch(
  config: MeiliConnectConfig,
  log?: (line: string) => void,
): Promise<MeiliConnection> {
  if (config.MEILI_URL) {
    const apiKey = config.MEILI_MASTER_KEY;
    const transport = createMeiliTransport({ url: config.MEILI_URL, apiKey });
    try {
      await transport.request("GET", "/health");
    } catch (error) {
      transport.close();
      const why = error instanceof MeiliError ? error.message : String(error);
      throw new MeiliUnreachableError(
        transport.url,
        error instanceof MeiliUnreachableError ? error.code : "EHEALTH",
        `Cannot reach Meilisearch at MEILI_URL=${config.MEILI_URL}: ${why}. ` +
          "Start that server, or unset MEILI_URL to run the embedded one.",
        { cause: error },
      );
    }
    try {
      // /health needs no key; this checks MEILI_MASTER_KEY before the first real request fails.
      await transport.request("GET", "/indexes?limit=1");
    } catch (error) {
      transport.close();
      if (error instanceof MeiliApiError && (error.status === 401 || error.status === 403)) {
        throw new MeiliError(
          `Meilisearch at MEILI_URL=${config.MEILI_URL} refused the key (${error.code}): ` +
            (apiKey ? "check MEILI_MASTER_KEY." : "set MEILI_MASTER_KEY to its master key."),
          { cause: error },
        );
      }
      throw error;
    }
    return {
      url: transport.url,
      apiKey,
      transport,
      managed: false,
      close: async () => transport.close(),
    };
  }

  const binary = config.MEILI_BINARY ?? (process.env.MEILI_BINARY || undefined);
  const server = await startManagedMeilisearch({
    dataDir: config.dataDir,
    ...(binary ? { binary } : {}),
    ...(log ? { log } : {}),
    ...(config.MEILI_MAX_INDEXING_THREADS ? { maxIndexingThreads: config.MEILI_MAX_INDEXING_THREADS } : {}),
  });
  const transport = createMeiliTransport({ url: server.url, apiKey: server.masterKey });
  return {
    url: server.url,
    apiKey: server.masterKey,
    transport,
    managed: true,
    close: async () => {
      transport.close();
      await server.stop();
    },
  };
}
