import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { StartupError } from "../core/errors.js";

/** The lock file's name inside a PGlite data folder. */
export const LOCK_FILE_NAME = "gateway.lock";

/** Who holds a data folder: written by the owner, read by anyone who is refused. */
export interface LockOwner {
  pid: number;
  /** The owner's start time as the kernel counts it (Linux `/proc/<pid>/stat` field 22), so a reused pid is told apart. */
  processStart: string | null;
  hostname: string;
  /** What the owner is: `gateway`, `cli`, `migrate`, … */
  role: string;
  /** The running gateway's address, once it listens: the CLI administers through it. */
  url?: string;
  lockedAt: string;
}

/**
 * The data folder is open in another live process. PGlite is one process's database: a second writer
 * silently damages it (rows an index no longer finds), so a second opener must stop before touching it.
 */
export class DataFolderLockedError extends StartupError {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    const what = owner.role === "gateway" ? `the gateway${owner.url === undefined ? "" : ` at ${owner.url}`}` : `a ${owner.role} process`;
    super(
      `The data folder ${dataDir} is in use by ${what} (pid ${owner.pid} on ${owner.hostname}, since ${owner.lockedAt}). ` +
        `Only one process can open an embedded database. Stop that process first` +
        (owner.role === "gateway" ? `, or administer through it: the CLI does so by itself when MANAGEMENT_KEY is set (or pass --url)` : "") +
        `, or set DATA_DIR to another folder.`,
    );
    this.name = "DataFolderLockedError";
  }
}

/** A held lock. */
export interface DataFolderLock {
  readonly path: string;
  /** Adds the listening address, so a CLI started later can administer through this process. */
  recordUrl(url: string): void;
  /** Removes the lock file if it is still ours. */
  release(): void;
}

/** The kernel's start time of a process, or null where /proc does not tell (not Linux). */
function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether the recorded owner still runs: same host, pid alive, and (where the kernel says) the same process
 * start time, so a pid reused after a crash or a reboot does not keep a dead owner's lock forever.
 */
export function ownerIsAlive(owner: LockOwner): boolean {
  if (owner.hostname !== hostname()) return true; // a folder shared over a network: cannot check, so respect it
  if (owner.pid === process.pid) return true;
  if (!isAlive(owner.pid)) return false;
  const start = processStartOf(owner.pid);
  return owner.processStart === null || start === null || start === owner.processStart;
}

/** The current owner of a data folder's lock, or undefined when there is none (or it cannot be read). */
export function readLockOwner(dataDir: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, LOCK_FILE_NAME), "utf8")) as Partial<LockOwner>;
    if (typeof parsed.pid !== "number") return undefined;
    return {
      pid: parsed.pid,
      processStart: parsed.processStart ?? null,
      hostname: parsed.hostname ?? "",
      role: parsed.role ?? "unknown",
      ...(parsed.url === undefined ? {} : { url: parsed.url }),
      lockedAt: parsed.lockedAt ?? "",
    };
  } catch {
    return undefined;
  }
}

/** The owner of a data folder if it is a live process (not this one), else undefined. */
export function liveLockOwner(dataDir: string): LockOwner | undefined {
  const owner = readLockOwner(dataDir);
  return owner !== undefined && owner.pid !== process.pid && ownerIsAlive(owner) ? owner : undefined;
}

function writeExclusive(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** How long a takeover marker may stand before it is treated as left by a process that died taking over. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * Takes the exclusive lock on a PGlite data folder, or throws DataFolderLockedError naming the live owner.
 * The lock file is created with O_EXCL, so of two processes starting at once exactly one wins. A lock left by
 * a dead owner (kill -9, a crash, a reboot) is taken over under a takeover marker (itself O_EXCL), so two
 * processes that both find it stale cannot both take it: the loser sees the winner's fresh lock.
 */
export function acquireDataFolderLock(dataDir: string, role: string): DataFolderLock {
  const path = join(dataDir, LOCK_FILE_NAME);
  const owner: LockOwner = { pid: process.pid, processStart: processStartOf(process.pid), hostname: hostname(), role, lockedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (writeExclusive(path, owner)) return heldLock(path, owner);
    const current = readLockOwner(dataDir);
    if (current !== undefined && ownerIsAlive(current)) throw new DataFolderLockedError(dataDir, current);
    const marker = `${path}.takeover`;
    try {
      if (Date.now() - statSync(marker).mtimeMs > TAKEOVER_STALE_MS) rmSync(marker, { force: true });
    } catch {
      // no marker
    }
    if (!writeExclusive(marker, owner)) continue; // another process is taking over: look again
    try {
      // Still the stale lock we judged (not a winner's fresh one)? Then it is ours to replace.
      const again = readLockOwner(dataDir);
      if (again === undefined || !ownerIsAlive(again)) rmSync(path, { force: true });
    } finally {
      rmSync(marker, { force: true });
    }
  }
  const current = readLockOwner(dataDir);
  if (current !== undefined) throw new DataFolderLockedError(dataDir, current);
  throw new Error(`Could not lock the data folder ${dataDir}`);
}

function heldLock(path: string, owner: LockOwner): DataFolderLock {
  let current = owner;
  let released = false;
  const onExit = (): void => release();
  process.once("exit", onExit);
  function stillOurs(): boolean {
    try {
      const onDisk = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
      return onDisk.pid === owner.pid && onDisk.lockedAt === owner.lockedAt;
    } catch {
      return false;
    }
  }
  function release(): void {
    if (released) return;
    released = true;
    process.off("exit", onExit);
    if (stillOurs()) rmSync(path, { force: true });
  }
  return {
    path,
    recordUrl(url) {
      if (released || !stillOurs()) return;
      current = { ...current, url };
      // Written beside it and renamed over it, so a reader never sees half a file.
      const next = `${path}.${process.pid}.tmp`;
      writeFileSync(next, `${JSON.stringify(current)}\n`);
      renameSync(next, path);
    },
    release,
  };
}
