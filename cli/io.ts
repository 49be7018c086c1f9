// What the command line's commands share: the terminal, the files a user gives (read with limits), and output
// folders that are checked and claimed before any work and never overwritten or written through a link.
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  statSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/experiments/errors';

/** The files every report writes (besides one CSV per table). */
export const REPORT_FILES = ['report.html', 'result.json'];

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Whether to draw a progress bar (an interactive terminal). */
  tty: boolean;
}

export const defaultIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  tty: Boolean(process.stderr.isTTY),
};

/** The largest file a command reads (a trace of 8 M characters is the largest text parameter). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export function readUserFile(path: string): string {
  if (!existsSync(path)) throw new UserError(`${path}: no such file`);
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES)
      throw new UserError(
        `${path}: ${size.toLocaleString('en-US')} bytes is over the ${MAX_FILE_BYTES / 2 ** 20} MiB a file may have`,
      );
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(
      `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  // An empty file must not pass for "no file" (which text parameters read as the built-in default).
  if (text.trim() === '') throw new UserError(`${path}: the file is empty`);
  return text;
}

/**
 * Parse repeated `--set key=value` into raw params (values stay text; the schema converts them).
 * `key=@path` reads the value from a file (for text parameters such as a user's trace).
 */
export function parseSets(sets: string[]): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UserError(`--set ${s}: expected key=value`);
    const value = s.slice(eq + 1).trim();
    raw[s.slice(0, eq).trim()] = value.startsWith('@') ? readUserFile(value.slice(1)) : value;
  }
  return raw;
}

/** Whether anything, even a dangling symbolic link, is at `path` (existsSync follows links). */
export function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** `--out` as an absolute folder, or `fallback` when it is not given; an empty one is refused. */
export function outDirOption(out: string | undefined, fallback: string): string {
  if (out !== undefined && out.trim() === '') throw new UserError('--out is empty; name a folder');
  return resolve(out ?? fallback);
}

/**
 * Refuse an output folder: it must be a real folder (or absent; never a symbolic link) and hold none of
 * `names` (the files about to be written), not even as a link, so nothing saved is overwritten or written through.
 */
export function checkOutDir(dir: string, names: readonly string[]): void {
  if (present(dir)) {
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) throw new UserError(`${dir} is a symbolic link; choose another --out`);
    if (!stat.isDirectory()) throw new UserError(`${dir} is a file, not a folder; choose another --out`);
  }
  const clash = names.find((name) => present(join(dir, name)));
  if (clash) throw new UserError(`${join(dir, clash)} already exists; choose another --out`);
}

/**
 * mkdir -p, one level at a time from the nearest existing folder: Node's recursive mkdir can loop forever
 * where a parent refuses new entries with ENOENT (e.g. under /proc).
 */
function makeFolders(dir: string, made: string[]): void {
  const missing: string[] = [];
  for (let d = dir; !present(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      mkdirSync(d);
      made.unshift(d);
    } catch (e) {
      // Another process (a sweep's shard starting beside this one) made it first: fine if it is a folder.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !lstatSync(d).isDirectory()) throw e;
    }
  }
}

/**
 * Check the output folder and create it before any work, so a folder that cannot be written is refused
 * up front; `abandon` removes the folders this call created again when the run ends without writing.
 */
export function claimOutDir(dir: string, names: readonly string[] = REPORT_FILES): { abandon: () => void } {
  checkOutDir(dir, names);
  const made: string[] = [];
  try {
    makeFolders(dir, made);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UserError(`cannot write to ${dir} (${code}); choose another --out`);
  }
  return {
    abandon: () => {
      try {
        for (const d of made) rmdirSync(d); // innermost first; only ever empty folders
      } catch {
        // something was written after all: keep it
      }
    },
  };
}

/** Run `work` with the output folder claimed; a run that fails or is cancelled leaves no empty folder. */
export async function withOutDir<T>(
  dir: string,
  work: () => Promise<T>,
  names: readonly string[] = REPORT_FILES,
): Promise<T> {
  const claim = claimOutDir(dir, names);
  try {
    return await work();
  } catch (e) {
    claim.abandon();
    throw e;
  }
}
