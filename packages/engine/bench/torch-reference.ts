// Client of the PyTorch reference (../reference/dlrm_reference.py) that both benchmarks drive: it prints one JSON
// line when ready, then answers each `run N` on stdin with one JSON line { steps, seconds }.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export class TorchReference {
  private lines: AsyncIterator<string>;
  private constructor(private proc: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  }
  /** Starts `python script ...args` and waits for its ready line (returned as `info`). */
  static async start(python: string, script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ref: TorchReference; info: Record<string, unknown> }> {
    const proc = spawn(python, [script, ...args], { env });
    proc.stderr.on('data', (d) => process.stderr.write(d));
    const ref = new TorchReference(proc);
    return { ref, info: await ref.next() };
  }
  private async next(): Promise<Record<string, unknown>> {
    const r = await this.lines.next();
    if (r.done) throw new Error('the PyTorch reference exited early (see its stderr above)');
    return JSON.parse(r.value);
  }
  async run(steps: number): Promise<{ steps: number; seconds: number }> {
    this.proc.stdin.write(`run ${steps}\n`);
    return (await this.next()) as { steps: number; seconds: number };
  }
  stop() {
    this.proc.stdin.end('quit\n');
  }
}
