import http from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
  url: URL,
) => void | Promise<void>;

export interface TestServer {
  baseUrl: string;
  /** Every request URL, in order. */
  requests: URL[];
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 and a free port, for OAI-PMH tests. */
export async function startTestServer(handler: Handler): Promise<TestServer> {
  const requests: URL[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push(url);
    Promise.resolve(handler(request, response, url)).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/oai`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends an XML body with a Content-Length. */
export function sendXml(
  response: http.ServerResponse,
  body: string | Buffer,
  status = 200,
  headers: http.OutgoingHttpHeaders = {},
): void {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  response.writeHead(status, {
    "content-type": "text/xml; charset=utf-8",
    "content-length": bytes.length,
    ...headers,
  });
  response.end(bytes);
}
