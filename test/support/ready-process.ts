/** A Node child process (TypeScript through tsx) that prints `READY <url>` once it serves. */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "@interlend/core";

export interface ReadyProcess {
  url: string;
  child: ChildProcess;
  /** SIGTERM, then wait for it to exit. */
  stop(): Promise<void>;
}

export async function startReadyProcess(args: string[], env: Record<string, string> = {}): Promise<ReadyProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith("READY ")) {
      return {
        url: line.slice(6),
        child,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill("SIGTERM");
          await once(child, "exit");
        },
      };
    }
  }
  throw new Error(`${args.join(" ")} exited before it was ready`);
}
