import bcrypt from 'bcryptjs';

export type BcryptTask = { op: 'hash'; password: string; cost: number } | { op: 'compare'; password: string; hash: string };

/** Runs in a worker thread (piscina): bcrypt is CPU-bound and would otherwise stall the event loop. */
export default function run(task: BcryptTask): Promise<string | boolean> {
  return task.op === 'hash' ? bcrypt.hash(task.password, task.cost) : bcrypt.compare(task.password, task.hash);
}
