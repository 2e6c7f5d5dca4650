import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** One fenced code block of the README: its language tag, its text and the line its fence opens on. */
export interface ReadmeBlock {
  language: string;
  text: string;
  line: number;
  /** The nearest `##`/`###` heading above the block, to name the example in test titles. */
  section: string;
}

export const README_PATH = fileURLToPath(new URL("../../README.md", import.meta.url));

/** Every fenced block of the README, in order. */
export function readmeBlocks(path = README_PATH): ReadmeBlock[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const blocks: ReadmeBlock[] = [];
  let section = "";
  let open: { language: string; line: number; body: string[] } | undefined;
  lines.forEach((line, index) => {
    const fence = /^```(\S*)\s*$/.exec(line);
    if (open !== undefined) {
      if (fence !== null && fence[1] === "") {
        blocks.push({ language: open.language, text: open.body.join("\n"), line: open.line, section });
        open = undefined;
      } else {
        open.body.push(line);
      }
      return;
    }
    const heading = /^#{2,3} (.+)$/.exec(line);
    if (heading !== null) section = heading[1] ?? "";
    if (fence !== null) open = { language: fence[1] ?? "", line: index + 1, body: [] };
  });
  return blocks;
}

/**
 * The shell commands of a block: continuation lines joined, comment lines and blank lines dropped, a trailing
 * `# comment` removed (outside quotes is all the README uses them).
 */
export function shellCommands(text: string): string[] {
  const commands: string[] = [];
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (current === "" && (line.trim() === "" || line.trim().startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    commands.push(stripTrailingComment(current).trim());
    current = "";
  }
  return commands;
}

/** `cmd 'a # b'   # note` → `cmd 'a # b'`: a `#` after whitespace and outside quotes starts a comment. */
function stripTrailingComment(command: string): string {
  let quote: string | undefined;
  for (let index = 0; index < command.length; index += 1) {
    const char = command[index];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === "#" && index > 0 && /\s/.test(command[index - 1] ?? "")) {
      return command.slice(0, index);
    }
  }
  return command;
}
