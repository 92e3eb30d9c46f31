import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectionError, createKeepAliveClient, type KeepAliveClient } from "./keep-alive-client.ts";
import { createMeiliTransport, MeiliUnreachableError } from "./transport.ts";

const servers: net.Server[] = [];
const clients: KeepAliveClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) {
    (server as http.Server).closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function clientFor(port: number, maxSockets = 4) {
  const client = createKeepAliveClient({ host: "127.0.0.1", port, secure: false, maxSockets, idleMs: 2_000 });
  clients.push(client);
  return client;
}


describe("the keep-alive client", () => {
  it("sends method, path, headers and body in one request and reads a Content-Length answer", async () => {
    const seen: Array<{ method?: string; url?: string; type?: string; length?: string; body: string }> = [];
    const port = await listen(
      http.createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
          seen.push({ method: req.method, url: req.url, type: req.headers["content-type"], length: req.headers["content-length"], body });
          res.writeHead(201, { "content-type": "application/json", "x-twice": ["a", "b"] });
          res.end(JSON.stringify({ ok: "ünïcode" }));
        });
      }),
    );
    const answer = await clientFor(port).request({ method: "POST", path: "/indexes/x/search?y=1", headers: { "content-type": "application/json" }, body: '{"q":"é"}' });
    expect(answer.status).toBe(201);
    expect(answer.headers["x-twice"]).toBe("a, b");
    expect(JSON.parse(answer.body.toString())).toEqual({ ok: "ünïcode" });
    expect(seen).toEqual([{ method: "POST", url: "/indexes/x/search?y=1", type: "application/json", length: String(Buffer.byteLength('{"q":"é"}')), body: '{"q":"é"}' }]);
  });

  it("reuses one socket for requests one after another, and reads chunked and empty answers", async () => {
    const sockets = new Set<net.Socket>();
    const big = "x".repeat(3_000_000);
    const port = await listen(
      http.createServer((req, res) => {
        sockets.add(req.socket);
        if (req.url === "/chunked") {
          res.write("part one,");
          setTimeout(() => res.end(" part two"), 5);
        } else if (req.url === "/big") {
          res.write(big.slice(0, 1_000_000));
          res.end(big.slice(1_000_000));
        } else if (req.url === "/empty") {
          res.writeHead(204).end();
        } else {
          res.end("plain");
        }
      }),
    );
    const client = clientFor(port);
    const get = (path: string) => client.request({ method: "GET", path, headers: {} });
    expect((await get("/chunked")).body.toString()).toBe("part one, part two");
    expect((await get("/plain")).body.toString()).toBe("plain");
    expect((await get("/empty")).status).toBe(204);
    expect((await get("/big")).body.toString()).toBe(big);
    expect((await client.request({ method: "HEAD", path: "/plain", headers: {} })).body.length).toBe(0);
    expect((await get("/plain")).body.toString()).toBe("plain");
    expect(sockets.size).toBe(1);
  });

  it("opens at most maxSockets and queues the rest", async () => {
    let open = 0;
    let most = 0;
    const port = await listen(
      http.createServer((_req, res) => {
        open++;
        most = Math.max(most, open);
        setTimeout(() => {
          open--;
          res.end("done");
        }, 20);
      }),
    );
    const client = clientFor(port, 2);
    const answers = await Promise.all(Array.from({ length: 6 }, () => client.request({ method: "GET", path: "/", headers: {} })));
    expect(answers.map((a) => a.body.toString())).toEqual(Array(6).fill("done"));
    expect(most).toBe(2);
  });

  it("does not reuse a socket the answer says to close, and reads an answer that ends with the connection", async () => {
    const port = await listen(
      net.createServer((socket) => {
        socket.once("data", () => socket.end("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end"));
      }),
    );
    const client = clientFor(port);
    expect((await client.request({ method: "GET", path: "/", headers: {} })).body.toString()).toBe("until the end");
    expect((await client.request({ method: "GET", path: "/", headers: {} })).body.toString()).toBe("until the end");
  });

  it("says when a kept-alive socket was closed before answering, so the caller may retry", async () => {
    let requests = 0;
    const port = await listen(
      net.createServer((socket) => {
        socket.on("data", () => {
          requests++;
          // The first answer keeps the socket; the next request on it finds it closed.
          if (requests === 1) socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
          else socket.destroy();
        });
      }),
    );
    const client = clientFor(port);
    await client.request({ method: "GET", path: "/", headers: {} });
    const error = await client.request({ method: "GET", path: "/", headers: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).reusedSocket).toBe(true);
  });

  it("fails clearly on refused connections, garbage and answers cut short", async () => {
    const refused = net.createServer();
    const closedPort = await listen(refused);
    await new Promise((resolve) => refused.close(resolve));
    servers.splice(servers.indexOf(refused), 1);
    const error = await clientFor(closedPort).request({ method: "GET", path: "/", headers: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ECONNREFUSED", reusedSocket: false });

    const garbage = await listen(net.createServer((socket) => socket.once("data", () => socket.write("SSH-2.0-nope\r\n\r\n"))));
    await expect(clientFor(garbage).request({ method: "GET", path: "/", headers: {} })).rejects.toMatchObject({ code: "EPROTO" });

    const cut = await listen(net.createServer((socket) => socket.once("data", () => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc"))));
    await expect(clientFor(cut).request({ method: "GET", path: "/", headers: {} })).rejects.toMatchObject({ code: "EPROTO" });
  });

  it("refuses paths and headers that would split the request, and writes host and length itself", async () => {
    const seen: Array<string | undefined> = [];
    const port = await listen(http.createServer((req, res) => (seen.push(req.headers["content-length"]), res.end("ok"))));
    const client = clientFor(port);
    await expect(client.request({ method: "GET", path: "/a b", headers: {} })).rejects.toThrow(TypeError);
    await expect(client.request({ method: "GET", path: "/", headers: { "x-evil": "1\r\nx-injected: 2" } })).rejects.toThrow(TypeError);
    await client.request({ method: "POST", path: "/", headers: { "Content-Length": "999" }, body: "abc" });
    expect(seen).toEqual(["3"]);
  });

  it("gives up when cancelled, also while waiting for a socket, and the socket in use is not reused", async () => {
    const port = await listen(http.createServer(() => {}));
    const client = clientFor(port, 1);
    const first = new AbortController();
    const waiting = new AbortController();
    const slow = client.request({ method: "GET", path: "/", headers: {} }, { signal: first.signal });
    const queued = client.request({ method: "GET", path: "/", headers: {} }, { signal: waiting.signal });
    waiting.abort(new Error("gave up waiting"));
    await expect(queued).rejects.toThrow("gave up waiting");
    first.abort(new Error("timed out"));
    await expect(slow).rejects.toThrow("timed out");
  });

  it("gives up after its timeout with the caller's error, in flight and while waiting for a socket", async () => {
    const port = await listen(http.createServer(() => {}));
    const client = clientFor(port, 1);
    const timeoutError = () => new Error("too slow");
    const started = Date.now();
    const inFlight = client.request({ method: "GET", path: "/", headers: {} }, { timeoutMs: 150, timeoutError });
    const queued = client.request({ method: "GET", path: "/", headers: {} }, { timeoutMs: 50, timeoutError });
    await expect(queued).rejects.toThrow("too slow");
    await expect(inFlight).rejects.toThrow("too slow");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe("the Meilisearch transport over it", () => {
  it("gives up after its timeout as unreachable (ETIMEDOUT), and with the caller's reason on abort", async () => {
    const port = await listen(http.createServer(() => {}));
    const transport = createMeiliTransport({ url: `http://127.0.0.1:${port}`, timeoutMs: 100 });
    const error = await transport.request("GET", "/health").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeiliUnreachableError);
    expect(error).toMatchObject({ code: "ETIMEDOUT" });
    const abort = new AbortController();
    const pending = transport.send({ method: "GET", path: "/health", signal: abort.signal });
    abort.abort(new Error("patron left"));
    await expect(pending).rejects.toThrow("patron left");
    transport.close();
  });

  it("sends a request again on a fresh socket when the kept-alive one it went out on was closed under it", async () => {
    const perSocket = new Map<net.Socket, number>();
    const port = await listen(
      http.createServer((req, res) => {
        const count = (perSocket.get(req.socket) ?? 0) + 1;
        perSocket.set(req.socket, count);
        if (count > 1) return req.socket.destroy(); // as if the server had closed it while idle
        res.end(JSON.stringify({ status: "available" }));
      }),
    );
    const transport = createMeiliTransport({ url: `http://127.0.0.1:${port}` });
    expect(await transport.request("GET", "/health")).toEqual({ status: "available" });
    expect(await transport.request("GET", "/health")).toEqual({ status: "available" });
    expect(perSocket.size).toBe(2);
    transport.close();
  });
});
