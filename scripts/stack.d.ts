import type { ChildProcess } from 'node:child_process';

export interface Instance {
  app: 'user' | 'order' | 'payment';
  prefix: string;
  replica: number;
  port: number;
  url: string;
  databaseUrl?: string;
  process: ChildProcess;
}

/** A process the stack started: its label in logs and its last log lines. */
export interface LabelledProcess extends ChildProcess {
  label: string;
  tail(): string;
}

export interface Gateway {
  url: string;
  tlsUrl: string;
  process: ChildProcess;
  dir: string;
  conf: string;
  variables: Record<string, string>;
}

export interface Stack {
  instances: Record<'user' | 'order' | 'payment', Instance[]>;
  gateway?: Gateway;
  children: ChildProcess[];
  startInstance(instance: Instance): ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startStack(options?: {
  replicas?: number;
  env?: Record<string, string | undefined>;
  gateway?: boolean;
  dir?: string;
  log?: (label: string, line: string) => void;
  logDir?: string;
  progress?: (message: string) => void;
  signal?: AbortSignal;
  detached?: boolean;
  onSpawn?: (child: LabelledProcess) => void;
}): Promise<Stack>;
export function renderTemplate(text: string, variables: Record<string, string>): string;
export function gatewayVariables(
  env: Record<string, string | undefined>,
  upstreams: Record<'user' | 'order' | 'payment', string>,
  dir: string,
): Record<string, string>;
export function renderGateway(dir: string, variables: Record<string, string>): string;
export function findNginx(): string | undefined;
export function builtEntry(app: string): string;
export const SERVICES: { app: string; prefix: string; port: number }[];
