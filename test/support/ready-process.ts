/** A Node child process (TypeScript through tsx) that prints `READY <url>` once it serves. */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "@interlend/core";

export interface ReadyProcess {
  url: string;
  child: ChildProcess;
  /** SIGTERM, then wait for it to exit. */
  stop(): Promise<void>;
  /** Resolves once the process has exited (at once if it already has). */
  exited(): Promise<void>;
}

export async function startReadyProcess(args: string[], env: Record<string, string> = {}): Promise<ReadyProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith("READY ")) {
      // A killed child has a signalCode and no exitCode; its "exit" may already have fired.
      const gone = () => child.exitCode !== null || child.signalCode !== null;
      const exited = new Promise<void>((resolve) => (gone() ? resolve() : child.once("exit", () => resolve())));
      return {
        url: line.slice(6),
        child,
        exited: () => exited,
        async stop() {
          if (gone()) return;
          child.kill("SIGTERM");
          await exited;
        },
      };
    }
  }
  throw new Error(`${args.join(" ")} exited before it was ready`);
}
