/**
 * The kept weights of a recovery slot (`<slot>.weights.safetensors` beside `<slot>.json`): written atomically,
 * so a writer killed mid-write leaves the previous weights whole; removed with the slot, and at start-up when
 * their document is gone; oversized files and bytes that are not safetensors are refused.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../electron/ipc-contract';
import { planStartup, RecoveryStore, safetensorsFramingProblem } from '../../electron/recovery';
import { decodeSafetensors, encodeSafetensors } from '../../exporters/safetensors';

const root = new URL('../../', import.meta.url).pathname;
const lenet = readFileSync(join(root, 'examples/lenet5.json'), 'utf8');

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'layerloom-recovery-weights-')), 'recovery');
});
afterEach(() => {
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

const weights = (scale: number) =>
  encodeSafetensors([
    { name: 'fc.weight', dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6], (v) => v * scale) },
    { name: 'fc.bias', dtype: 'F32', shape: [2], data: Float32Array.of(-scale, scale) },
  ]);

describe('kept weights in a recovery slot', () => {
  it('are written beside the text, replaced whole, and read back byte for byte', async () => {
    const store = new RecoveryStore(dir);
    await store.write('w1', lenet);
    expect(await store.readWeights('w1')).toBeNull();
    await store.writeWeights('w1', weights(1));
    await store.writeWeights('w1', weights(2));
    expect(readdirSync(dir).sort()).toEqual(['w1.json', 'w1.weights.safetensors']);
    const back = decodeSafetensors((await store.readWeights('w1'))!);
    expect(back.map((t) => [t.name, Array.from(t.data as Float32Array)])).toEqual([
      ['fc.weight', [2, 4, 6, 8, 10, 12]],
      ['fc.bias', [-2, 2]],
    ]);
    // The weights file is not a slot of its own: the slot lists once, with its text.
    expect((await store.list()).map((e) => e.slot)).toEqual(['w1']);
    await store.writeWeights('w1', null);
    expect(readdirSync(dir)).toEqual(['w1.json']);
  });

  it('survive a writer killed mid-write: the previous weights are whole, and the next write sweeps the temp file', async () => {
    const store = new RecoveryStore(dir);
    await store.write('crashy', lenet);
    await store.writeWeights('crashy', weights(3));
    const before = readFileSync(join(dir, 'crashy.weights.safetensors'));
    const writer = join(dir, '..', '.writer.mjs');
    await build({
      entryPoints: [join(root, 'tests/electron/fixtures/recovery-crash-writer.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      outfile: writer,
      logLevel: 'warning',
    });
    const child = fork(writer, [dir, 'crashy', String(256 * 1024)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const midWrite = await new Promise<{ tempPath: string; written: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { tempPath: string; written: number }));
      child.once('exit', (code) => reject(new Error(`the writer exited (${code}) before reaching the middle of its write`)));
    });
    expect(statSync(midWrite.tempPath).size).toBe(midWrite.written);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // The next start: the slot is offered with the weights it had before the crash.
    const next = new RecoveryStore(dir);
    const plan = await planStartup(next);
    expect(plan).toEqual({ slots: ['crashy'], deferred: [], offersRestore: true });
    expect(Buffer.from((await next.readWeights('crashy'))!).equals(before)).toBe(true);
    const temp = midWrite.tempPath.slice(dir.length + 1);
    expect(temp.startsWith('.')).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([temp, 'crashy.json', 'crashy.weights.safetensors'].sort());
    await next.writeWeights('crashy', weights(4));
    expect(readdirSync(dir).sort()).toEqual(['crashy.json', 'crashy.weights.safetensors']);
  });

  it('go with their slot: cleared, dropped with an empty document, and swept when the document is gone', async () => {
    const store = new RecoveryStore(dir);
    await store.write('kept', lenet);
    await store.writeWeights('kept', weights(1));
    await store.clear('kept');
    expect(readdirSync(dir)).toEqual([]);

    await store.write('blank', '  ');
    await store.writeWeights('blank', weights(1));
    await store.write('good', lenet);
    await store.writeWeights('good', weights(1));
    await store.writeWeights('orphan', weights(1));
    writeFileSync(join(dir, 'corrupt.json'), '{"format":"layerloom.recovery"');
    await store.writeWeights('corrupt', weights(1));
    const plan = await planStartup(store);
    expect(plan.slots).toEqual(['good']);
    expect(readdirSync(dir).sort()).toEqual(['good.json', 'good.weights.safetensors']);
  });

  it('refuses oversize files and bytes that are not safetensors, keeping what was there', async () => {
    const store = new RecoveryStore(dir);
    await store.write('w', lenet);
    await store.writeWeights('w', weights(1));
    const good = readFileSync(join(dir, 'w.weights.safetensors'));
    await expect(store.writeWeights('w', Uint8Array.of(1, 2, 3))).rejects.toThrow(/^the autosaved weights are not a safetensors file: 3 bytes is too short/);
    const longHeader = Uint8Array.from([...new Uint8Array(new BigUint64Array([1000n]).buffer), ...new TextEncoder().encode('{}')]);
    await expect(store.writeWeights('w', longHeader)).rejects.toThrow(/header length 1000 does not fit the 10 bytes/);
    const notJson = Uint8Array.from([4, 0, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode('{{{{')]);
    await expect(store.writeWeights('w', notJson)).rejects.toThrow(/header is not JSON/);
    // Zero-filled and never touched: refused by its length before anything is written.
    await expect(store.writeWeights('w', new Uint8Array(LIMITS.weightsBytes + 1))).rejects.toThrow(/larger than/);
    expect(readFileSync(join(dir, 'w.weights.safetensors')).equals(good)).toBe(true);
    expect(safetensorsFramingProblem(weights(5))).toBeNull();
    // A file over the limit on disk (sparse: no data written) is refused before it is read.
    truncateSync(join(dir, 'w.weights.safetensors'), LIMITS.weightsBytes + 1);
    await expect(store.readWeights('w')).rejects.toThrow(/too large to load/);
    await expect(store.writeWeights('../escape', weights(1))).rejects.toThrow(/invalid recovery slot/);
    await expect(store.readWeights('a/b')).rejects.toThrow(/invalid recovery slot/);
  });
});
