import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

/**
 * What `docker compose` and `docker build` would do with the repository's files, for a machine
 * without a Docker engine: compose interpolation, .dockerignore matching, and a Dockerfile reader.
 */

export interface Interpolated<T> {
  value: T;
  /** Every variable the document reads, with or without a default. */
  variables: Set<string>;
  /** Required variables (`${VAR:?message}`) that were unset or empty. */
  missing: string[];
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Compose's interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `$$`. */
export function interpolate<T>(document: T, env: Record<string, string | undefined>): Interpolated<T> {
  const variables = new Set<string>();
  const missing: string[] = [];
  const replace = (text: string): string =>
    text.replace(REFERENCE, (match, braced: string | undefined, operator: string | undefined, argument: string | undefined, bare: string | undefined) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      variables.add(name);
      const value = env[name];
      const unset = value === undefined;
      const empty = unset || value === '';
      switch (operator) {
        case ':-':
          return empty ? replace(argument ?? '') : value;
        case '-':
          return unset ? replace(argument ?? '') : value;
        case ':?':
        case '?':
          if (operator === ':?' ? empty : unset) missing.push(name);
          return value ?? '';
        case ':+':
          return empty ? '' : replace(argument ?? '');
        case '+':
          return unset ? '' : replace(argument ?? '');
        default:
          return value ?? '';
      }
    });
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return replace(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return { value: walk(document) as T, variables, missing };
}

/** The variables a `.env` file names, set or commented out (`# NAME=value`). */
export function envFileNames(text: string): Set<string> {
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
}

export function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2].trim()]));
}

// --- .dockerignore -------------------------------------------------------------------------

interface IgnorePattern {
  text: string;
  exclusion: boolean;
  regex: RegExp;
}

/** Go's filepath.Match plus `**`, as moby's patternmatcher reads .dockerignore lines. */
function globToRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          source += '(?:.*/)?';
        } else {
          source += '.*';
        }
      } else {
        source += '[^/]*';
      }
    } else if (c === '?') {
      source += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      source += pattern.slice(i, end + 1).replace(/^\[!/, '[^');
      i = end;
    } else if (c === '\\') {
      source += `\\${pattern[++i]}`;
    } else {
      source += c.replace(/[.+^${}()|]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

export class DockerIgnore {
  readonly patterns: IgnorePattern[];

  constructor(text: string) {
    this.patterns = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const exclusion = line.startsWith('!');
        const cleaned = posix
          .normalize((exclusion ? line.slice(1) : line).trim())
          .replace(/^\/+/, '')
          .replace(/\/+$/, '');
        return { text: cleaned, exclusion, regex: globToRegex(cleaned) };
      });
  }

  /** A path is left out when the last pattern matching it, or one of its parent folders, is not a `!` pattern. */
  ignores(relativePath: string): boolean {
    const parents = relativePath.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const pattern of this.patterns) {
      if (pattern.exclusion === !ignored) continue;
      if (parents.some((p) => pattern.regex.test(p))) ignored = !pattern.exclusion;
    }
    return ignored;
  }

  /** A folder that is ignored can be skipped whole unless a `!` pattern reaches inside it (moby's rule). */
  canSkip(relativeDir: string): boolean {
    return this.ignores(relativeDir) && !this.patterns.some((p) => p.exclusion && `${p.text}/`.startsWith(`${relativeDir}/`));
  }
}

/** The files `docker build` would send as its context, relative to root. */
export function buildContextFiles(root: string, ignore: DockerIgnore): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!ignore.canSkip(path)) walk(path);
      } else if (!ignore.ignores(path)) {
        files.push(path);
      }
    }
  };
  walk('');
  return files.sort();
}

export function copyBuildContext(root: string, target: string, files: string[]): void {
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(root, file), join(target, file), { verbatimSymlinks: true });
  }
}

// --- Dockerfile --------------------------------------------------------------------------------

export interface Instruction {
  keyword: string;
  /** The text after the keyword, continuation lines joined. */
  rest: string;
  /** The JSON (exec) form, when the arguments are written as one. */
  exec?: string[];
  flags: Record<string, string>;
}

export interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const joined = text.replace(/\\\n/g, ' ').replace(/^\s*#.*$/gm, '');
  const stages: Stage[] = [];
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const match = /^([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`Unreadable Dockerfile line: ${line}`);
    const keyword = match[1].toUpperCase();
    let rest = match[2].replace(/\s+/g, ' ').trim();
    const flags: Record<string, string> = {};
    for (let flag = /^--([a-z-]+)=(\S+)\s+/.exec(rest); flag; flag = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
      flags[flag[1]] = flag[2];
      rest = rest.slice(flag[0].length);
    }
    let exec: string[] | undefined;
    const json = keyword === 'HEALTHCHECK' ? /^CMD\s+(\[.*\])$/.exec(rest)?.[1] : rest.startsWith('[') ? rest : undefined;
    if (json) exec = JSON.parse(json) as string[];
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest)!;
      stages.push({ base: from[1], name: from[2], instructions: [] });
      continue;
    }
    if (!stages.length) throw new Error(`${keyword} before the first FROM`);
    stages[stages.length - 1].instructions.push({ keyword, rest, exec, flags });
  }
  return stages;
}

/** Dockerfile variable substitution (`$VAR`, `${VAR}`, `${VAR:-default}`) for the instructions that support it. */
export function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced, fallback, bare) => {
    const value = vars[braced ?? bare];
    return value !== undefined && value !== '' ? value : (fallback ?? '');
  });
}

/** Splits `A=1 B="two words"` (ENV, ARG) into pairs. */
export function parseAssignments(text: string): [string, string | undefined][] {
  return [...text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)].map((m) => [m[1], m[2]?.replace(/^(["'])(.*)\1$/, '$2')]);
}

/** Maps an absolute path inside a stage (`/app/x`) onto the folder that stands for the stage's root. */
export function inStage(stageRoot: string, workdir: string, path: string): string {
  return join(stageRoot, posix.isAbsolute(path) ? path : posix.join(workdir, path));
}

/** `COPY src... dest`: a folder's contents go into dest; files into dest when it is a folder. */
export function copyInto(sources: string[], destination: string, destinationIsDir: boolean): void {
  for (const source of sources) {
    if (!existsSync(source)) throw new Error(`COPY: ${source} does not exist (left out of the build context?)`);
    if (lstatSync(source).isDirectory()) {
      mkdirSync(destination, { recursive: true });
      cpSync(source, destination, { recursive: true, verbatimSymlinks: true });
    } else {
      const target = destinationIsDir ? join(destination, source.split('/').pop()!) : destination;
      mkdirSync(dirname(target), { recursive: true });
      cpSync(source, target);
    }
  }
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
