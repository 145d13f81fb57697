import { type ChildProcess, spawn } from 'node:child_process';
import { ROOT } from './env.js';

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the built worker (dist/) as a real separate process, as in production. */
export async function startWorker(env: Record<string, string>, opts: { logLevel?: string } = {}): Promise<RunningProcess> {
  return startNode('dist/apps/worker/src/main.js', env, /worker started/, opts);
}

/** Runs a built script; logs at `info` (readiness is read from them) unless a more verbose level is asked for. */
export async function startNode(script: string, env: Record<string, string>, ready?: RegExp, opts: { logLevel?: string } = {}): Promise<RunningProcess> {
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env, LOG_LEVEL: opts.logLevel ?? 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  if (ready) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${out}`)), 30_000);
      const check = () => {
        if (ready.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited with ${code} before it was ready:\n${out}`));
      });
    });
  }
  return {
    child,
    output: () => out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs `npm run bootstrap` as a person would (the built CLI): a new organisation, its admin's token and invitation link. */
export async function bootstrapOrganisation(env: Record<string, string>, organisation: string, admin = 'Camille'): Promise<{ token: string; invitationUrl: string }> {
  const child = spawn(process.execPath, ['dist/apps/api/src/cli/bootstrap.js', '--organisation', organisation, '--admin', admin, '--json'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`bootstrap failed (${String(code)}): ${out}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as { token: string; invitationUrl: string };
}
