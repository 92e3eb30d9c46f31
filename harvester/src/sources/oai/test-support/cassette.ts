import { readFileSync } from "node:fs";

/** One recorded HTTP exchange of a VCR-style cassette (oaipmh-scythe's tests/cassettes/*.yaml). */
export interface Interaction {
  uri: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Reads the small YAML subset those cassettes use — `uri`, `status`, one-value header lists and
 * `content` as a plain, `|`, `|-` or `>-` scalar — without a YAML dependency.
 */
export function readCassette(file: string): Interaction[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const interactions: Interaction[] = [];
  let current: Interaction | undefined;
  let section: "request" | "response" | undefined;
  let inHeaders = false;
  let headerName: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("- request:")) {
      current = { uri: "", status: 0, headers: {}, body: "" };
      interactions.push(current);
      section = "request";
      continue;
    }
    if (!current) continue;
    if (line === "  response:") {
      section = "response";
      continue;
    }
    const uri = /^ {4}uri: ?(.*)$/.exec(line);
    if (section === "request" && uri) {
      const [value, next] = scalar(uri[1]!, lines, i + 1, 6);
      current.uri = value.trim();
      i = next - 1;
      continue;
    }
    if (section !== "response") continue;
    const status = /^ {4}status: (\d+)/.exec(line);
    if (status) current.status = Number(status[1]);
    if (line === "    headers:") inHeaders = true;
    else if (/^ {4}\S/.test(line)) inHeaders = false;
    if (inHeaders) {
      const name = /^ {6}([\w-]+):\s*$/.exec(line);
      if (name) headerName = name[1]!.toLowerCase();
      const value = /^ {6}- (.*)$/.exec(line);
      if (value && headerName) current.headers[headerName] = unquote(value[1]!);
    }
    const content = /^ {6}content: ?(.*)$/.exec(line);
    if (content) {
      const [value, next] = scalar(content[1]!, lines, i + 1, 8);
      current.body = value;
      i = next - 1;
    }
  }
  return interactions;
}

/** A scalar starting after "key: ": returns its value and the index of the line after it. */
function scalar(head: string, lines: string[], start: number, indent: number): [string, number] {
  const style = head.trim();
  if (style !== "|" && style !== "|-" && style !== ">-" && style !== ">" && style !== "")
    return [unquote(style), start];
  const pad = " ".repeat(indent);
  const block: string[] = [];
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() !== "" && !line.startsWith(pad)) break;
    block.push(line.slice(indent));
  }
  while (block.length > 0 && block[block.length - 1] === "") block.pop();
  if (style.startsWith(">") || style === "") return [block.join(" "), i];
  return [block.join("\n") + (style === "|" ? "\n" : ""), i];
}

function unquote(text: string): string {
  const t = text.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t;
}
