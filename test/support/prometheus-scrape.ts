/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for tests: every line must be a
 * `# HELP`, a `# TYPE`, a comment or a sample; every sample must belong to a family declared by `# TYPE`
 * (a histogram's `_bucket`, `_sum` and `_count` to its histogram); names, label syntax and values are checked;
 * a histogram's buckets must be cumulative and end with `+Inf` equal to its `_count`. It throws on anything else,
 * so a scrape that a Prometheus server would refuse fails the test.
 */

export type FamilyType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  /** The sample's own name (`x_bucket`, `x_sum`, `x_count` for a histogram). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: FamilyType;
  help: string;
  samples: Sample[];
}

export interface Scrape {
  families: Family[];
  family(name: string): Family;
  /** The first sample named `name` whose labels include `labels`. */
  sample(name: string, labels?: Record<string, string>): Sample | undefined;
  /** That sample's value, 0 when there is none (as a series not yet created reads). */
  value(name: string, labels?: Record<string, string>): number;
  /** A histogram's observation count (its `_count` sample) for the labels given. */
  count(name: string, labels?: Record<string, string>): number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?Inf$|^NaN$/i;
const TYPES = new Set<FamilyType>(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseFloatStrict(text: string, line: string): number {
  if (!FLOAT.test(text)) throw new Error(`not a float: ${JSON.stringify(text)} in ${JSON.stringify(line)}`);
  if (/^[+]?inf$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf$/i.test(text)) return Number.NEGATIVE_INFINITY;
  return /^nan$/i.test(text) ? Number.NaN : Number(text);
}

/** Reads `{a="x",b="y\"z"}` starting at `start` (the brace); returns the labels and the index after `}`. */
function readLabels(line: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let index = start + 1;
  while (line[index] !== "}") {
    const equals = line.indexOf("=", index);
    if (equals < 0) throw new Error(`bad labels in ${JSON.stringify(line)}`);
    const name = line.slice(index, equals).trim();
    if (!LABEL_NAME.test(name)) throw new Error(`bad label name ${JSON.stringify(name)} in ${JSON.stringify(line)}`);
    if (line[equals + 1] !== '"') throw new Error(`unquoted label value in ${JSON.stringify(line)}`);
    let value = "";
    let cursor = equals + 2;
    for (;;) {
      const char = line[cursor];
      if (char === undefined) throw new Error(`unterminated label value in ${JSON.stringify(line)}`);
      if (char === '"') break;
      if (char === "\\") {
        const escaped = line[cursor + 1];
        if (escaped === "n") value += "\n";
        else if (escaped === "\\" || escaped === '"') value += escaped;
        else throw new Error(`bad escape in ${JSON.stringify(line)}`);
        cursor += 2;
        continue;
      }
      value += char;
      cursor += 1;
    }
    if (name in labels) throw new Error(`label ${name} twice in ${JSON.stringify(line)}`);
    labels[name] = value;
    index = cursor + 1;
    if (line[index] === ",") index += 1;
    else if (line[index] !== "}") throw new Error(`expected , or } in ${JSON.stringify(line)}`);
  }
  return { labels, end: index + 1 };
}

function familyNameOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sampleName);
  if (direct !== undefined) return direct;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sampleName.endsWith(suffix)) continue;
    const family = families.get(sampleName.slice(0, -suffix.length));
    if (family !== undefined && (family.type === "histogram" || (family.type === "summary" && suffix !== "_bucket"))) return family;
  }
  return undefined;
}

/** Groups a histogram's samples by their labels other than `le` and checks each group's buckets. */
function checkHistogram(family: Family): void {
  const groups = new Map<string, { buckets: Array<{ le: number; value: number }>; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (sample.name.endsWith("_bucket")) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      group.buckets.push({ le: parseFloatStrict(le, le), value: sample.value });
    } else if (sample.name.endsWith("_count")) group.count = sample.value;
  }
  for (const group of groups.values()) {
    for (let index = 1; index < group.buckets.length; index += 1) {
      const previous = group.buckets[index - 1];
      const current = group.buckets[index];
      if (previous === undefined || current === undefined) continue;
      if (current.le <= previous.le || current.value < previous.value) throw new Error(`${family.name}: buckets not cumulative`);
    }
    const last = group.buckets.at(-1);
    if (last?.le !== Number.POSITIVE_INFINITY || last.value !== group.count) throw new Error(`${family.name}: +Inf bucket missing or not equal to _count`);
  }
}

/** Parses exposition text strictly (see the file's comment). */
export function parseScrape(text: string): Scrape {
  const families = new Map<string, Family>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (match === null) continue;
      const [, keyword, name = "", rest = ""] = match;
      if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in ${JSON.stringify(line)}`);
      const family = families.get(name) ?? { name, type: "untyped" as FamilyType, help: "", samples: [] };
      families.set(name, family);
      if (keyword === "HELP") family.help = rest;
      else {
        if (!TYPES.has(rest as FamilyType)) throw new Error(`bad type in ${JSON.stringify(line)}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples in ${JSON.stringify(line)}`);
        family.type = rest as FamilyType;
      }
      continue;
    }
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`not a sample: ${JSON.stringify(line)}`);
    const name = line.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in ${JSON.stringify(line)}`);
    let labels: Record<string, string> = {};
    let rest = line.slice(nameEnd);
    if (rest.startsWith("{")) {
      const read = readLabels(line, nameEnd);
      labels = read.labels;
      rest = line.slice(read.end);
    }
    const fields = rest.trim().split(/\s+/);
    if (fields.length < 1 || fields.length > 2 || fields[0] === undefined) throw new Error(`bad sample ${JSON.stringify(line)}`);
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new Error(`bad timestamp in ${JSON.stringify(line)}`);
    const family = familyNameOf(name, families);
    if (family === undefined || family.type === "untyped") throw new Error(`sample of an undeclared family: ${JSON.stringify(line)}`);
    family.samples.push({ name, labels, value: parseFloatStrict(fields[0], line) });
  }
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);

  const list = [...families.values()];
  const family = (name: string): Family => {
    const found = families.get(name);
    if (found === undefined) throw new Error(`no metric family ${name}`);
    return found;
  };
  const sample = (name: string, labels: Record<string, string> = {}): Sample | undefined => {
    const owner = familyNameOf(name, families);
    return owner?.samples.find((candidate) => candidate.name === name && Object.entries(labels).every(([label, value]) => candidate.labels[label] === value));
  };
  return {
    families: list,
    family,
    sample,
    value: (name, labels) => sample(name, labels)?.value ?? 0,
    count: (name, labels) => sample(`${name}_count`, labels)?.value ?? 0,
  };
}
