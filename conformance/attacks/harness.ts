// Runs one attack against a server in a child process: warm-up request, mark, attack, measure, then a fresh connection
// must still get 200 "hello". Every step is bounded in time.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { probe } from './client.js';
import type { Attack, Impl, Measures, Outcome, TargetConfig, TargetMessage } from './types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TARGET = fileURLToPath(new URL('./target.ts', import.meta.url));

export interface AttackResult {
  attack: Attack;
  impl: Impl;
  outcome: Outcome;
  measures: Measures;
  /** The fresh connection after the attack: status and body length ("hello" = 5). */
  after: { status: number; bytes: number; detail: string };
  elapsedMs: number;
  /** Outcome, budgets and the fresh connection all as required. */
  defended: boolean;
}

class Target {
  private readonly replies: TargetMessage[] = [];
  private wake: (() => void) | null = null;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (m: TargetMessage) => {
      this.replies.push(m);
      this.wake?.();
    });
    child.on('exit', () => this.wake?.());
  }

  static async start(config: TargetConfig): Promise<{ target: Target; port: number }> {
    const child = fork(TARGET, [JSON.stringify(config)], {
      cwd: ROOT,
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // No coverage in the target: it would skew the CPU budget, and c8 merges its ESM-loaded copies badly.
      env: { ...process.env, NODE_V8_COVERAGE: '' },
    });
    const target = new Target(child);
    const ready = await target.next('ready', 15_000);
    return { target, port: ready.type === 'ready' ? ready.port : 0 };
  }

  async ask<T extends TargetMessage['type']>(message: TargetMessage, answer: T, timeoutMs = 10_000): Promise<Extract<TargetMessage, { type: T }>> {
    this.child.send(message);
    return this.next(answer, timeoutMs);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }

  private async next<T extends TargetMessage['type']>(type: T, timeoutMs: number): Promise<Extract<TargetMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.replies.findIndex((m) => m.type === type);
      if (i >= 0) return this.replies.splice(i, 1)[0] as Extract<TargetMessage, { type: T }>;
      if (this.child.exitCode !== null) throw new Error(`the ${type} answer never came: the target exited with ${this.child.exitCode}`);
      if (Date.now() >= deadline) throw new Error(`the target did not answer ${type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}

export async function runAttack(attack: Attack, impl: Impl): Promise<AttackResult> {
  const config: TargetConfig = impl === 'strand' ? { impl, engine: attack.strand ?? {} } : { impl, node: attack.node ?? {} };
  const { target, port } = await Target.start(config);
  try {
    await probe(port); // warm-up: the first request's one-off costs (JIT, lazy modules) are not the attack's
    await target.ask({ type: 'mark' }, 'marked');
    const started = Date.now();
    const outcome = await attack.run(port);
    const elapsedMs = Date.now() - started;
    const { measures } = await target.ask({ type: 'measure' }, 'measures');
    const after = await probe(port);
    const withinBudget = measures.rssGrowthMiB <= attack.budget.rssMiB && measures.cpuMs <= attack.budget.cpuMs;
    const defended = outcome.stopped && withinBudget && after.status === 200 && after.bytes === 5;
    return { attack, impl, outcome, measures, after, elapsedMs, defended };
  } finally {
    await target.stop();
  }
}
