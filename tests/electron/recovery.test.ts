/**
 * Crash recovery: a window autosaves into its slot; a slot that survives (a crash: nothing cleared it) is
 * offered back at the next start, in a window of its own; a clean close leaves nothing to offer.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planStartup, RecoveryStore } from '../../electron/recovery';

const root = new URL('../../', import.meta.url).pathname;
const lenet = readFileSync(join(root, 'examples/lenet5.json'), 'utf8');

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'layerloom-recovery-')), 'recovery');
});
afterEach(() => {
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

describe('recovery', () => {
  it('autosaves, then restores the same text after a crash', async () => {
    // First run: one window, autosaving twice; the process then dies without clearing its slot.
    const first = new RecoveryStore(dir);
    const plan1 = await planStartup(first);
    expect(plan1.offersRestore).toBe(false);
    const slot = plan1.slots[0]!;
    await first.write(slot, '{"format":"layerloom.graph","version":1,"nodes":[]}');
    await first.write(slot, lenet);
    expect(await first.read(slot)).toBe(lenet);

    // Next start: the slot is an orphan, so a window opens on it and its renderer reads the text back.
    const second = new RecoveryStore(dir);
    const plan2 = await planStartup(second);
    expect(plan2).toEqual({ slots: [slot], deferred: [], offersRestore: true });
    expect(await second.read(slot)).toBe(lenet);

    // The user restored (or declined) and the window later closed normally: nothing is offered again.
    await second.clear(slot);
    const plan3 = await planStartup(new RecoveryStore(dir));
    expect(plan3.offersRestore).toBe(false);
    expect(plan3.slots).toHaveLength(1);
    expect(plan3.slots[0]).not.toBe(slot);
  });

  it('writes atomically: only the slot file is left, holding the format, time and text', async () => {
    const store = new RecoveryStore(dir, () => new Date('2026-11-22T10:00:00Z'));
    await store.write('w1', lenet);
    expect(readdirSync(dir)).toEqual(['w1.json']);
    const saved = JSON.parse(readFileSync(join(dir, 'w1.json'), 'utf8'));
    expect(saved).toEqual({ format: 'layerloom.recovery', version: 1, savedAt: '2026-11-22T10:00:00.000Z', text: lenet });
  });

  it('offers several orphans newest first, one window each, up to the limit', async () => {
    let clock = 0;
    const store = new RecoveryStore(dir, () => new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)));
    for (const slot of ['a', 'b', 'c']) await store.write(slot, `{"format":"layerloom.graph","name":"${slot}"}`);
    await store.write('blank', '   ');
    const plan = await planStartup(store, 2);
    expect(plan.slots).toEqual(['c', 'b']);
    expect(plan.deferred.map((e) => e.slot)).toEqual(['a']);
    // An empty autosave has nothing to restore: it is dropped.
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'b.json', 'c.json']);
  });

  it('drops a corrupt recovery file instead of offering it', async () => {
    const store = new RecoveryStore(dir);
    await store.write('good', lenet);
    writeFileSync(join(dir, 'bad.json'), '{"format":"layerloom.recovery","version":1,"text":');
    writeFileSync(join(dir, 'foreign.json'), '{"format":"something-else"}');
    writeFileSync(join(dir, '.good.json.123.abcdef01.tmp'), 'half a write');
    expect((await store.list()).map((e) => e.slot)).toEqual(['good']);
    expect(readdirSync(dir).sort()).toEqual(['.good.json.123.abcdef01.tmp', 'good.json']);
  });

  it('refuses slot ids that could name another file', async () => {
    const store = new RecoveryStore(dir);
    await expect(store.write('../escape', 'x')).rejects.toThrow(/invalid recovery slot/);
    await expect(store.read('a/b')).rejects.toThrow(/invalid recovery slot/);
    expect(await store.read('never-written')).toBeNull();
  });
});
