/**
 * Crash recovery keeps an imported model's weights, in Chromium: a user drops a trained PyTorch classifier's
 * .onnx (build/fixtures/imported_weights_model.py), edits the project and never saves; the page is reloaded
 * (the tab crashed). The recovery offer restores the document, the status bar says the imported weights are
 * kept, and Export gives PyTorch's state_dict values and a model whose outputs equal the original's in
 * onnxruntime-node. Autosaved weights that cannot be read: the document is restored, one line says so.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../../exporters/safetensors';
import { SYSTEM_PYTHON } from '../../helpers/onnx-checker';
import { exportFiles, run } from './imported-model';
import { centerOf, dropFile, mouseDrag, startSession, watchErrors, type Session } from './harness';

let session: Session;
let model: Buffer;
let state: Record<string, { shape: number[]; values: number[] }>;

/** The size of an entry of the browser host's IndexedDB store (`layerloom` / `kv`), or -1 when there is none. */
const idbEntrySize = (page: Page, key: string) =>
  page.evaluate(`new Promise((resolve, reject) => {
    const open = indexedDB.open('layerloom');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const req = open.result.transaction('kv').objectStore('kv').get(${JSON.stringify(key)});
      req.onsuccess = () => {
        const v = req.result;
        open.result.close();
        resolve(v === undefined ? -1 : v instanceof Uint8Array ? v.length : String(v).length);
      };
      req.onerror = () => reject(req.error);
    };
  })`) as Promise<number>;

/** Replaces the kept weights of the recovery copy in IndexedDB with `bytes`. */
const putRecoveryWeights = (page: Page, bytes: readonly number[]) =>
  page.evaluate(`new Promise((resolve, reject) => {
    const open = indexedDB.open('layerloom');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('kv', 'readwrite');
      tx.objectStore('kv').put(Uint8Array.from(${JSON.stringify(bytes)}), 'recovery:weights');
      tx.oncomplete = () => {
        open.result.close();
        resolve(null);
      };
      tx.onerror = () => reject(tx.error);
    };
  })`);

const weightsStatus = (page: Page) => page.getByTestId('status-weights').textContent();

describe('crash recovery of kept weights', () => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-e2e-recovery-weights-'));
    const r = spawnSync(SYSTEM_PYTHON, [new URL('../../../build/fixtures/imported_weights_model.py', import.meta.url).pathname, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`imported_weights_model.py failed: ${r.stderr}`);
    model = readFileSync(join(dir, 'spiral_mlp.onnx'));
    state = JSON.parse(readFileSync(join(dir, 'spiral_mlp.state.json'), 'utf8')) as typeof state;
    session = await startSession();
  }, 180_000);

  afterAll(async () => {
    await session?.close();
  });

  it('an imported model edited and never saved comes back with its weights after a reload', { timeout: 180_000 }, async () => {
    const context = await session.browser.newContext({ viewport: { width: 1500, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    const problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();

    await dropFile(page, 'spiral_mlp.onnx', model);
    await expect.poll(() => weightsStatus(page)).toBe('Imported weights kept (6 tensors from spiral_mlp.onnx, not saved yet)');
    // An edit that leaves the weights fitting: a layer moved on the canvas.
    const fc1 = await centerOf(page.getByTestId('node-fc1'));
    await mouseDrag(page, fc1, { x: fc1.x + 120, y: fc1.y + 60 });
    await expect.poll(async () => (await centerOf(page.getByTestId('node-fc1'))).x).toBeGreaterThan(fc1.x + 60);
    /** fc1's place relative to fc3's, in units of their distance (the view's zoom differs after a reload). */
    const layout = async () => {
      const [a, b] = [await centerOf(page.getByTestId('node-fc1')), await centerOf(page.getByTestId('node-fc3'))];
      const d = Math.hypot(a.x - b.x, a.y - b.y);
      return { x: (a.x - b.x) / d, y: (a.y - b.y) / d };
    };
    const moved = await layout();
    // Autosave writes the document and, once, its weights.
    await expect.poll(() => idbEntrySize(page, 'recovery'), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => idbEntrySize(page, 'recovery:weights'), { timeout: 20_000 }).toBeGreaterThan(6 * 4);

    // The tab goes away without saving.
    await page.reload();
    await page.getByTestId('recovery-banner').waitFor();
    expect(await page.getByTestId('recovery-banner').textContent()).toContain('layers, with its kept weights: 6 tensors). Restore it?');
    expect(await page.getByTestId('status-weights').count()).toBe(0);
    await page.getByTestId('recovery-restore').click();
    await expect.poll(() => weightsStatus(page)).toBe('Imported weights kept (6 tensors from spiral_mlp.onnx, not saved yet)');
    expect(await page.getByTestId('dirty-marker').count()).toBe(1);
    // The restored document is the edited one.
    const back = await layout();
    expect(Math.abs(back.x - moved.x)).toBeLessThan(0.01);
    expect(Math.abs(back.y - moved.y)).toBeLessThan(0.01);

    await page.getByTestId('tb-toggleTraining').click();
    await page.getByTestId('training-panel').waitFor();
    expect(await page.getByTestId('train-start-from').inputValue()).toBe('kept');
    const files = await exportFiles(page);
    const tensors = decodeSafetensors([...files].find(([n]) => n.endsWith('.safetensors'))![1]);
    expect(tensors.map((t) => t.name).sort()).toEqual(Object.keys(state).sort());
    for (const t of tensors) {
      expect([...t.shape]).toEqual(state[t.name]!.shape);
      expect(Array.from(t.data as Float32Array)).toEqual(state[t.name]!.values.map(Math.fround));
    }
    const x = Float32Array.from({ length: 50 * 2 }, (_, i) => Math.sin(i * 0.37) * 0.9);
    const want = await run(model, x);
    const got = await run([...files].find(([n]) => n.endsWith('.onnx'))![1], x);
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5);
    expect(problems).toEqual([]);

    // Autosaved weights that cannot be read (cut short): the document still comes back, one line says why.
    await putRecoveryWeights(page, [200, 0, 0, 0, 0, 0, 0, 0, 123]);
    await page.reload();
    await page.getByTestId('recovery-restore').click();
    await expect.poll(() => page.getByTestId('file-name').textContent()).toMatch(/^spiral_mlp\.json/);
    const toast = page.getByTestId('toast').filter({ hasText: 'its kept weights could not be' });
    await toast.waitFor();
    expect(await toast.textContent()).toMatch(/^The project was restored, but its kept weights could not be\. The autosaved weights could not be read: /);
    expect(await page.getByTestId('status-weights').count()).toBe(0);
    await page.getByTestId('node-fc3').waitFor();
    await context.close();
  });
});
