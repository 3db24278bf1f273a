/**
 * IPC handlers of the main process: requests from the renderer are checked for sender and payload before
 * anything touches the file system, and paths are limited to what the user handed over.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../../exporters/safetensors';
import { LIMITS, type NativeEditCommand } from '../../electron/ipc-contract';
import { createIpcHandlers, type IpcHandlers, type IpcSender } from '../../electron/ipc-handlers';
import { PathGrants, RecentProjects } from '../../electron/project-files';
import { RecoveryStore } from '../../electron/recovery';

const root = new URL('../../', import.meta.url).pathname;
const lenet = readFileSync(join(root, 'examples/lenet5.json'), 'utf8');
const project = (name: string) => JSON.stringify({ format: 'layerloom.graph', version: 1, name, nodes: [], edges: [] }, null, 2);

const win1: IpcSender = { windowId: 1, frameUrl: 'app://layerloom/index.html', isMainFrame: true };
const win2: IpcSender = { windowId: 2, frameUrl: 'app://layerloom/index.html#/editor', isMainFrame: true };

interface World {
  dir: string;
  docs: string;
  handlers: IpcHandlers;
  calls: string[];
  answers: { open: string | null; save: string | null; replace: boolean };
  slots: Map<number, string | null>;
  pending: Map<number, string>;
  /** A fresh set of handlers over the same userData, as after a restart (grants are per session). */
  restart(): IpcHandlers;
}

let world: World;

function makeWorld(): World {
  const dir = mkdtempSync(join(tmpdir(), 'layerloom-ipc-'));
  const docs = join(dir, 'docs');
  mkdirSync(docs);
  const calls: string[] = [];
  const answers: World['answers'] = { open: null, save: null, replace: true };
  const slots = new Map<number, string | null>([
    [1, 'slot-one'],
    [2, 'slot-two'],
  ]);
  const pending = new Map<number, string>();
  const build = () => {
    const grants = new PathGrants();
    return createIpcHandlers({
      grants,
      recent: new RecentProjects(join(dir, 'userData', 'recent-projects.json'), LIMITS.recent, grants),
      recovery: new RecoveryStore(join(dir, 'userData', 'recovery')),
      maxBytes: 64 * 1024,
      dialogs: {
        chooseOpenPath: async (id) => {
          calls.push(`open-dialog:${id}`);
          return answers.open;
        },
        chooseSavePath: async (id, defaultPath) => {
          calls.push(`save-dialog:${id}:${defaultPath}`);
          return answers.save;
        },
        confirmReplace: async (id, path) => {
          calls.push(`confirm-replace:${path}`);
          return answers.replace;
        },
      },
      windows: {
        recoverySlot: (id) => slots.get(id) ?? null,
        takePendingOpen: (id) => {
          const path = pending.get(id) ?? null;
          pending.delete(id);
          return path;
        },
        setTitle: (id, title) => void calls.push(`title:${id}:${title}`),
        setDirty: (id, dirty) => void calls.push(`dirty:${id}:${dirty}`),
        nativeEdit: (id, command: NativeEditCommand) => void calls.push(`native:${id}:${command}`),
        projectLocated: (id, location) => void calls.push(`located:${id}:${location}`),
        saveFinished: (id, saved) => void calls.push(`save-finished:${id}:${saved}`),
      },
    });
  };
  return { dir, docs, handlers: build(), calls, answers, slots, pending, restart: build };
}

beforeEach(() => {
  world = makeWorld();
});
afterEach(() => {
  rmSync(world.dir, { recursive: true, force: true });
});

const ok = async (channel: string, payload: unknown, sender: IpcSender = win1, handlers = world.handlers) => {
  const result = await handlers.invoke(channel, sender, payload);
  if (!result.ok) throw new Error(`expected success on ${channel}, got: ${result.error}`);
  return result.value;
};
const refused = async (channel: string, payload: unknown, sender: IpcSender = win1, handlers = world.handlers) => {
  const result = await handlers.invoke(channel, sender, payload);
  if (result.ok) throw new Error(`expected a refusal on ${channel}, got ${JSON.stringify(result.value)?.slice(0, 200)}`);
  return result.error;
};

describe('opening and saving', () => {
  it('opens through the dialog, then saves back to the same file without asking', async () => {
    const path = join(world.docs, 'lenet.json');
    writeFileSync(path, lenet);
    world.answers.open = path;
    expect(await ok('project:open', null)).toEqual({ location: path, name: 'lenet.json', text: lenet });
    expect(world.calls).toEqual(['open-dialog:1', `located:1:${path}`]);

    world.calls.length = 0;
    const edited = project('edited');
    expect(await ok('project:save', { file: { location: path, name: 'lenet.json', text: edited }, saveAs: false })).toEqual({ location: path, name: 'lenet.json' });
    expect(readFileSync(path, 'utf8')).toBe(edited);
    expect(world.calls).toEqual([`located:1:${path}`, 'save-finished:1:true']);
    expect(await ok('project:recent', null)).toEqual([{ location: path, name: 'lenet.json' }]);
  });

  it('returns null when the open dialog is cancelled', async () => {
    expect(await ok('project:open', null)).toBeNull();
  });

  it('File → Open of an ONNX model returns its bytes to import, with no location, grant or recent entry', async () => {
    const path = join(world.docs, 'model.onnx');
    const bytes = Uint8Array.from([8, 8, 18, 4, 116, 101, 115, 116]);
    writeFileSync(path, bytes);
    world.answers.open = path;
    expect(await ok('project:open', null)).toEqual({ name: 'model.onnx', text: '', model: bytes });
    expect(world.calls).toEqual(['open-dialog:1']);
    expect(await ok('project:recent', null)).toEqual([]);
    // Opening it granted nothing: the model file cannot be written over as a project.
    expect(await refused('project:save', { file: { location: path, name: 'model.onnx', text: project('x') }, saveAs: false })).toMatch(/Refused/);
    expect(Uint8Array.from(readFileSync(path))).toEqual(bytes);
  });

  it('takes a file the OS asked the window to open, once, without a dialog', async () => {
    const path = join(world.docs, 'assoc.layerloom');
    writeFileSync(path, project('assoc'));
    world.pending.set(1, path);
    expect(await ok('project:open', null)).toMatchObject({ location: path, name: 'assoc.layerloom' });
    expect(world.calls).not.toContain('open-dialog:1');
    expect(await ok('project:open', null)).toBeNull();
    expect(world.calls).toContain('open-dialog:1');
  });

  it('asks where to save an untitled project, adding the extension, and can then save there again', async () => {
    world.answers.save = join(world.docs, 'My net');
    const text = project('mine');
    const saved = (await ok('project:save', { file: { name: 'My net', text }, saveAs: false })) as { location: string };
    const target = join(world.docs, 'My net.layerloom');
    expect(saved).toEqual({ location: target, name: 'My net.layerloom' });
    expect(world.calls[0]).toBe('save-dialog:1:My net.layerloom');
    expect(readFileSync(target, 'utf8')).toBe(text);

    world.calls.length = 0;
    await ok('project:save', { file: { location: target, name: 'My net.layerloom', text: project('again') }, saveAs: false });
    expect(world.calls.some((c) => c.startsWith('save-dialog'))).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe(project('again'));
  });

  it('asks before replacing a file the dialog did not ask about (extension added), and keeps it when declined', async () => {
    const existing = join(world.docs, 'net.layerloom');
    writeFileSync(existing, lenet);
    world.answers.save = join(world.docs, 'net');
    world.answers.replace = false;
    expect(await ok('project:save', { file: { name: 'net', text: project('x') }, saveAs: true })).toBeNull();
    expect(world.calls).toContain(`confirm-replace:${existing}`);
    expect(readFileSync(existing, 'utf8')).toBe(lenet);
    expect(world.calls.at(-1)).toBe('save-finished:1:false');
  });

  it('Save As always asks, starting from the current file', async () => {
    const path = join(world.docs, 'a.layerloom');
    writeFileSync(path, project('a'));
    world.answers.open = path;
    await ok('project:open', null);
    world.answers.save = join(world.docs, 'b.layerloom');
    await ok('project:save', { file: { location: path, name: 'a.layerloom', text: project('b') }, saveAs: true });
    expect(world.calls).toContain(`save-dialog:1:${path}`);
    expect(readFileSync(join(world.docs, 'b.layerloom'), 'utf8')).toBe(project('b'));
    expect(readFileSync(path, 'utf8')).toBe(project('a'));
  });

  it('reopens a recent project after a restart, and forgets one that is gone', async () => {
    const path = join(world.docs, 'recent.layerloom');
    writeFileSync(path, project('recent'));
    world.answers.open = path;
    await ok('project:open', null);

    const later = world.restart();
    expect(await ok('project:recent', null, win1, later)).toEqual([{ location: path, name: 'recent.layerloom' }]);
    expect(await ok('project:open-recent', { location: path }, win1, later)).toMatchObject({ name: 'recent.layerloom' });
    // Being on the recent list is also enough to save there.
    await ok('project:save', { file: { location: path, name: 'recent.layerloom', text: project('v2') }, saveAs: false }, win1, later);
    expect(readFileSync(path, 'utf8')).toBe(project('v2'));

    rmSync(path);
    expect(await refused('project:open-recent', { location: path }, win1, later)).toMatch(/“recent\.layerloom” does not exist/);
    expect(await ok('project:recent', null, win1, later)).toEqual([]);
  });

  it('shows a clear error for a corrupt file', async () => {
    const path = join(world.docs, 'corrupt.layerloom');
    writeFileSync(path, '{"format": "layerloom.graph", "nodes": [');
    world.answers.open = path;
    expect(await refused('project:open', null)).toMatch(/“corrupt\.layerloom” is not a Layerloom project: its JSON is malformed at line 1/);
  });

  it('opens dropped project files (then saves to them) and refuses other files with a reason', async () => {
    const path = join(world.docs, 'dropped.layerloom');
    writeFileSync(path, project('dropped'));
    expect(await ok('project:open-dropped', { path })).toMatchObject({ location: path, name: 'dropped.layerloom' });
    await ok('project:save', { file: { location: path, name: 'dropped.layerloom', text: project('saved') }, saveAs: false });
    expect(readFileSync(path, 'utf8')).toBe(project('saved'));

    expect(await refused('project:open-dropped', { path: join(world.docs, 'model.onnx') })).toBe(
      '“model.onnx” is an ONNX model; Layerloom opens project files (.layerloom or .json).',
    );
    expect(await refused('project:open-dropped', { path: '/etc/passwd' })).toMatch(/“passwd” is not a project file/);
    expect(await refused('project:open-dropped', { path: 'relative.layerloom' })).toMatch(/not an absolute path/);
    const foreign = join(world.docs, 'package.json');
    writeFileSync(foreign, '{"name": "not a project"}');
    expect(await refused('project:open-dropped', { path: foreign })).toMatch(/not a Layerloom project/);
  });
});

describe('payload validation', () => {
  it('refuses wrong types, missing and unknown fields', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['project:save', { file: { name: 'x', text: 'y' }, saveAs: 'yes' }, /saveAs: Invalid input: expected boolean/],
      ['project:save', { file: { name: 'x' }, saveAs: false }, /file\.text: Invalid input: expected string/],
      ['project:save', { file: { name: 'x', text: 42 }, saveAs: false }, /file\.text/],
      ['project:save', { file: { name: 'x', text: '{}', extra: true }, saveAs: false }, /Unrecognized key.*extra/],
      ['project:save', 'a string', /expected object/],
      ['project:open-recent', { location: 7 }, /location: Invalid input: expected string/],
      ['project:open-recent', {}, /location/],
      ['project:open-recent', { location: '/tmp/a\0b.layerloom' }, /NUL/],
      ['project:recent', { please: true }, /expected null/],
      ['recovery:write', { text: null }, /text: Invalid input: expected string/],
    ];
    for (const [channel, payload, message] of cases) {
      const error = await refused(channel, payload);
      expect(error, `${channel} ${JSON.stringify(payload)}`).toMatch(new RegExp(`^Refused "${channel}": invalid payload`));
      expect(error).toMatch(message);
    }
    expect(world.calls).toEqual([]);
  });

  it('refuses oversize text before writing anything', async () => {
    world.answers.save = join(world.docs, 'big.layerloom');
    const huge = 'x'.repeat(LIMITS.projectChars + 1);
    expect(await refused('project:save', { file: { name: 'big', text: huge }, saveAs: false })).toMatch(/file\.text: Too big/);
    expect(await refused('recovery:write', { text: huge })).toMatch(/text: Too big/);
    expect(await refused('window:set-title', { title: 'x' })).toMatch(/unknown IPC channel/);
    expect(world.handlers.send('window:set-title', win1, { title: 't'.repeat(LIMITS.title + 1) })).toMatch(/title: Too big/);
    // Within the IPC limit but over the file limit (64 KB here): refused by the save itself.
    const large = JSON.stringify({ format: 'layerloom.graph', padding: 'p'.repeat(70 * 1024) });
    expect(await refused('project:save', { file: { name: 'big', text: large }, saveAs: false })).toMatch(/is 70\.\d KB; Layerloom saves project files of up to 64\.0 KB/);
    expect(existsSync(join(world.docs, 'big.layerloom'))).toBe(false);
  });

  it('refuses paths outside what the user chose', async () => {
    const elsewhere = join(world.dir, 'elsewhere.layerloom');
    writeFileSync(elsewhere, lenet);
    const save = (location: string) => refused('project:save', { file: { location, name: 'x', text: project('evil') }, saveAs: false });
    expect(await save(elsewhere)).toMatch(/^Refused to save to ".*elsewhere\.layerloom": Layerloom only writes to files chosen/);
    expect(await save('/etc/cron.d/evil')).toMatch(/Refused to save/);
    expect(await save('relative.layerloom')).toMatch(/Refused to save/);
    expect(await refused('project:open-recent', { location: elsewhere })).toMatch(/not on the recent list/);
    expect(readFileSync(elsewhere, 'utf8')).toBe(lenet);
    expect(world.calls.filter((c) => !c.startsWith('save-finished'))).toEqual([]);

    // A path granted in one session is not granted in the next unless it is on the recent list.
    const chosen = join(world.docs, 'chosen.layerloom');
    world.answers.save = chosen;
    await ok('project:save', { file: { name: 'chosen', text: project('c') }, saveAs: false });
    const later = world.restart();
    await ok('project:save', { file: { location: chosen, name: 'chosen.layerloom', text: project('d') }, saveAs: false }, win1, later);
  });

  it('refuses unknown channels, including inherited property names', async () => {
    for (const channel of ['fs:readFile', 'toString', '__proto__', 'constructor', 'project:open ', '']) {
      expect(await refused(channel, null)).toMatch(/^Refused unknown IPC channel/);
      expect(world.handlers.send(channel, win1, null)).toMatch(/^Refused unknown IPC channel/);
    }
  });
});

describe('sender validation', () => {
  const badSenders: Array<[string, IpcSender]> = [
    ['a webContents that is not a Layerloom window', { ...win1, windowId: null }],
    ['a subframe', { ...win1, isMainFrame: false }],
    ['a remote page', { ...win1, frameUrl: 'https://evil.example/index.html' }],
    ['a file:// page', { ...win1, frameUrl: 'file:///tmp/index.html' }],
    ['a look-alike host', { ...win1, frameUrl: 'app://layerloom.evil/index.html' }],
    ['another app:// host', { ...win1, frameUrl: 'app://other/index.html' }],
    ['credentials in the URL', { ...win1, frameUrl: 'app://user:pw@layerloom/index.html' }],
    ['a destroyed frame', { ...win1, frameUrl: null }],
    ['a devtools page', { ...win1, frameUrl: 'devtools://devtools/bundled/inspector.html' }],
  ];

  it.each(badSenders)('refuses %s before touching anything', async (_what, sender) => {
    const path = join(world.docs, 'x.layerloom');
    writeFileSync(path, lenet);
    world.answers.open = path;
    world.answers.save = path;
    expect(await refused('project:open', null, sender)).toMatch(/^Refused "project:open": the sender/);
    expect(await refused('project:save', { file: { name: 'x', text: project('evil') }, saveAs: true }, sender)).toMatch(/the sender/);
    expect(await refused('recovery:write', { text: 'x' }, sender)).toMatch(/the sender/);
    expect(world.handlers.send('window:set-dirty', sender, { dirty: true })).toMatch(/the sender/);
    expect(world.calls).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(lenet);
  });
});

describe('recovery over IPC', () => {
  it('keeps each window to its own autosave slot', async () => {
    await ok('recovery:write', { text: lenet }, win1);
    expect(await ok('recovery:read', null, win1)).toBe(lenet);
    expect(await ok('recovery:read', null, win2)).toBeNull();
    await ok('recovery:clear', null, win2);
    expect(await ok('recovery:read', null, win1)).toBe(lenet);
    await ok('recovery:clear', null, win1);
    expect(await ok('recovery:read', null, win1)).toBeNull();
  });

  it("keeps the kept weights in the window's slot, refuses oversize or non-safetensors bytes, and removes them with the slot", async () => {
    const kept = encodeSafetensors([{ name: 'fc.weight', dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, -2, 0.5, 4) }]);
    expect(await ok('recovery:read-weights', null, win1)).toBeNull();
    expect(await ok('recovery:write-weights', { bytes: kept }, win1)).toBeNull();
    expect(Array.from((await ok('recovery:read-weights', null, win1)) as Uint8Array)).toEqual(Array.from(kept));
    expect(await ok('recovery:read-weights', null, win2)).toBeNull();
    expect(await refused('recovery:write-weights', { bytes: [1, 2] }, win1)).toMatch(/^Refused "recovery:write-weights": invalid payload.*bytes/);
    // Zero-filled and never touched: the size check refuses it before a byte is read or written.
    expect(await refused('recovery:write-weights', { bytes: new Uint8Array(LIMITS.weightsBytes + 1) }, win1)).toMatch(/weights file too large/);
    expect(await refused('recovery:write-weights', { bytes: Uint8Array.of(1, 2, 3) }, win1)).toMatch(/not a safetensors file/);
    // What was refused changed nothing.
    expect(Array.from((await ok('recovery:read-weights', null, win1)) as Uint8Array)).toEqual(Array.from(kept));
    await ok('recovery:write', { text: lenet }, win1);
    await ok('recovery:clear', null, win1);
    expect(await ok('recovery:read-weights', null, win1)).toBeNull();
    await ok('recovery:write-weights', { bytes: kept }, win1);
    expect(await ok('recovery:write-weights', { bytes: null }, win1)).toBeNull();
    expect(await ok('recovery:read-weights', null, win1)).toBeNull();
  });

  it('drops autosaves from a window that is closing', async () => {
    world.slots.set(1, null);
    expect(await ok('recovery:write', { text: lenet }, win1)).toBeNull();
    world.slots.set(1, 'slot-one');
    expect(await ok('recovery:read', null, win1)).toBeNull();
  });
});

describe('one-way messages', () => {
  it('passes valid title, dirty and native-edit messages on, and refuses bad ones', () => {
    expect(world.handlers.send('window:set-title', win1, { title: 'lenet.layerloom — Layerloom' })).toBeNull();
    expect(world.handlers.send('window:set-dirty', win2, { dirty: true })).toBeNull();
    expect(world.handlers.send('window:native-edit', win1, { command: 'paste' })).toBeNull();
    expect(world.calls).toEqual(['title:1:lenet.layerloom — Layerloom', 'dirty:2:true', 'native:1:paste']);
    expect(world.handlers.send('window:set-dirty', win1, { dirty: 'yes' })).toMatch(/dirty: Invalid input: expected boolean/);
    expect(world.handlers.send('window:native-edit', win1, { command: 'reload' })).toMatch(/command: Invalid option/);
    expect(world.calls).toHaveLength(3);
  });
});

describe('trained weights beside the project', () => {
  it('writes <project>.weights.safetensors atomically next to an opened project and reads it back', async () => {
    const path = join(world.docs, 'spiral.layerloom');
    writeFileSync(path, project('spiral'));
    world.answers.open = path;
    await ok('project:open', null);
    expect(await ok('weights:read', { location: path })).toBeNull();
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    expect(await ok('weights:write', { location: path, bytes })).toBeNull();
    const sidecar = join(world.docs, 'spiral.weights.safetensors');
    expect(Array.from(readFileSync(sidecar))).toEqual(Array.from(bytes));
    expect(Array.from((await ok('weights:read', { location: path })) as Uint8Array)).toEqual(Array.from(bytes));
    // Replaced whole, no temporary file left behind.
    const smaller = Uint8Array.of(1, 2, 3);
    await ok('weights:write', { location: path, bytes: smaller });
    expect(Array.from(readFileSync(sidecar))).toEqual([1, 2, 3]);
    expect(readdirSync(world.docs).sort()).toEqual(['spiral.layerloom', 'spiral.weights.safetensors']);
  });

  it('refuses projects not opened or saved here, and payloads that are not bytes', async () => {
    const elsewhere = join(world.docs, 'other.json');
    writeFileSync(elsewhere, project('other'));
    expect(await refused('weights:write', { location: elsewhere, bytes: Uint8Array.of(1) })).toMatch(/Refused to write weights for .*other\.json/);
    expect(await refused('weights:read', { location: elsewhere })).toMatch(/Refused to read weights/);
    expect(existsSync(join(world.docs, 'other.weights.safetensors'))).toBe(false);
    expect(await refused('weights:write', { location: elsewhere, bytes: [1, 2] })).toMatch(/bytes/);
    expect(await refused('weights:write', { location: 'relative.json', bytes: Uint8Array.of(1) })).toMatch(/Refused/);
  });
});
