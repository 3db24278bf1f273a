/**
 * Main-process file handling: atomic saves (including a writer killed mid-write and failures injected
 * between the temporary write and the rename), opening with limits and clear errors, the recent list.
 */
import { fork, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  atomicWriteFile,
  checkProjectText,
  ensureProjectExtension,
  PathGrants,
  ProjectFileError,
  projectPathsFromArgv,
  readProjectFile,
  RecentProjects,
  suggestedFileName,
  sweepStaleTemps,
  writeProjectFile,
  type AtomicFsOps,
} from '../../electron/project-files';

const root = new URL('../../', import.meta.url).pathname;
const lenet = readFileSync(join(root, 'examples/lenet5.json'), 'utf8');
const project = (name = 'Net') => `${JSON.stringify({ format: 'layerloom.graph', version: 1, name, nodes: [], edges: [] }, null, 2)}\n`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'layerloom-files-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const visible = () => readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
const everything = () => readdirSync(dir).sort();

describe('atomic save', () => {
  it('writes a new file and replaces an existing one, leaving nothing else behind', async () => {
    const target = join(dir, 'net.layerloom');
    await atomicWriteFile(target, project('first'));
    expect(readFileSync(target, 'utf8')).toBe(project('first'));
    await atomicWriteFile(target, project('second'));
    expect(readFileSync(target, 'utf8')).toBe(project('second'));
    expect(everything()).toEqual(['net.layerloom']);
  });

  it('survives a writer killed mid-write: the original is intact and the next save sweeps the hidden temp file', async () => {
    const target = join(dir, 'project.layerloom');
    writeFileSync(target, lenet);
    // The writer runs as plain Node (bundled here by esbuild), in a process of its own that can be killed.
    const writer = join(dir, '.writer.mjs');
    await build({
      entryPoints: [join(root, 'tests/electron/fixtures/crash-writer.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      outfile: writer,
      logLevel: 'warning',
    });
    const child = fork(writer, [target, String(1024 * 1024)], { execArgv: [], cwd: dir, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const midWrite = await new Promise<{ tempPath: string; written: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { tempPath: string; written: number }));
      child.once('exit', (code) => reject(new Error(`the writer exited (${code}) before reaching the middle of its write`)));
    });
    // The temporary file really is half written when the process dies.
    expect(statSync(midWrite.tempPath).size).toBe(midWrite.written);
    expect(midWrite.written).toBeGreaterThan(0);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    rmSync(writer);
    expect(readFileSync(target, 'utf8')).toBe(lenet);
    expect(visible()).toEqual(['project.layerloom']);
    // What is left is one hidden temp file (a dot file), which the next save of the same file removes.
    expect(everything().filter((n) => n !== 'project.layerloom')).toEqual([midWrite.tempPath.slice(dir.length + 1)]);
    expect(midWrite.tempPath.slice(dir.length + 1).startsWith('.')).toBe(true);

    await atomicWriteFile(target, project('after the crash'));
    expect(readFileSync(target, 'utf8')).toBe(project('after the crash'));
    expect(everything()).toEqual(['project.layerloom']);
  });

  const failing = (kind: 'write' | 'sync' | 'rename'): Partial<AtomicFsOps> => {
    const error = (code: string) => Object.assign(new Error(`${code}: injected failure`), { code });
    if (kind === 'rename')
      return {
        rename: async () => {
          throw error('EIO');
        },
      };
    return {
      open: (async (...args: Parameters<typeof fsp.open>) => {
        const handle = await fsp.open(...args);
        let writes = 0;
        return new Proxy(handle, {
          get(target, property) {
            if (kind === 'write' && property === 'write')
              return async (...a: unknown[]) => {
                // The first chunk lands; the second fails as if the disk filled up.
                if (++writes > 1) throw error('ENOSPC');
                return (target.write as (...x: unknown[]) => Promise<unknown>).apply(target, a);
              };
            if (kind === 'sync' && property === 'sync')
              return async () => {
                throw error('EIO');
              };
            const value = Reflect.get(target, property, target) as unknown;
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      }) as typeof fsp.open,
    };
  };

  for (const kind of ['write', 'sync', 'rename'] as const) {
    it(`leaves the original intact and no temp file when the ${kind} step fails`, async () => {
      const target = join(dir, 'project.layerloom');
      writeFileSync(target, lenet);
      await expect(atomicWriteFile(target, 'x'.repeat(10_000), { fs: failing(kind), chunkSize: 4096 })).rejects.toThrow(/injected failure/);
      expect(readFileSync(target, 'utf8')).toBe(lenet);
      expect(everything()).toEqual(['project.layerloom']);
    });
  }

  it('reports a failed project save in words, with the file unchanged', async () => {
    const target = join(dir, 'project.layerloom');
    writeFileSync(target, lenet);
    mkdirSync(join(dir, 'sub'));
    await expect(writeProjectFile(join(dir, 'missing-folder', 'x.layerloom'), project())).rejects.toThrow(/its folder does not exist/);
    await expect(writeProjectFile(target, 'not json')).rejects.toThrow(/not a Layerloom project/);
    expect(readFileSync(target, 'utf8')).toBe(lenet);
  });

  it('keeps the permissions of the file it replaces and writes through a symbolic link', async () => {
    const real = join(dir, 'real.layerloom');
    writeFileSync(real, lenet);
    chmodSync(real, 0o600);
    const link = join(dir, 'link.layerloom');
    symlinkSync(real, link);
    await atomicWriteFile(link, project('via link'));
    expect(readFileSync(real, 'utf8')).toBe(project('via link'));
    expect(statSync(real).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['link.layerloom', 'real.layerloom']);
  });

  it('sweeps only temp files of dead writers, not files of a live one or other files', async () => {
    const target = join(dir, 'a.layerloom');
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const dead = join(dir, `.a.layerloom.${deadPid}.deadbeef.tmp`);
    const live = join(dir, `.a.layerloom.${process.ppid}.cafebabe.tmp`);
    const other = join(dir, `.b.layerloom.${deadPid}.deadbeef.tmp`);
    for (const f of [dead, live, other]) writeFileSync(f, 'partial');
    expect(await sweepStaleTemps(target)).toEqual([dead]);
    expect(existsSync(live) && existsSync(other)).toBe(true);
  });
});

describe('opening project files', () => {
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const refusal = async (path: string, maxBytes?: number) => {
    try {
      await readProjectFile(path, maxBytes);
    } catch (error) {
      expect(error).toBeInstanceOf(ProjectFileError);
      return error as ProjectFileError;
    }
    throw new Error('expected a refusal');
  };

  it('reads a project, dropping a byte-order mark', async () => {
    const path = file('lenet.layerloom', `\ufeff${lenet}`);
    expect(await readProjectFile(path)).toEqual({ location: path, name: 'lenet.layerloom', text: lenet });
  });

  it('refuses with a message naming the file and the problem', async () => {
    const cases: Array<[string, ProjectFileError['code'], RegExp]> = [
      [join(dir, 'gone.layerloom'), 'not-found', /“gone\.layerloom” does not exist/],
      [file('empty.layerloom', '  \n'), 'empty', /“empty\.layerloom” is empty/],
      [file('broken.layerloom', '{\n  "format": "layerloom.graph",\n  "nodes": [,]\n}'), 'bad-json', /malformed at line 3, column 13/],
      [file('array.json', '[1, 2]'), 'not-a-project', /does not hold a JSON object/],
      [file('package.json', '{"name": "x"}'), 'not-a-project', /has no "format": "layerloom\.graph" field/],
      [file('other.json', '{"format": "vega-lite"}'), 'not-a-project', /its format is "vega-lite"/],
      [file('binary.layerloom', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 'not-text', /not valid UTF-8/],
    ];
    for (const [path, code, message] of cases) {
      const error = await refusal(path);
      expect(error.code, path).toBe(code);
      expect(error.message, path).toMatch(message);
    }
    mkdirSync(join(dir, 'folder.layerloom'));
    expect((await refusal(join(dir, 'folder.layerloom'))).message).toMatch(/folder|not a regular file/);
    expect((await refusal('relative/net.layerloom')).code).toBe('not-absolute');
  });

  it('refuses files over the size limit before reading them', async () => {
    const path = file('big.layerloom', project().padEnd(5000, ' '));
    const error = await refusal(path, 4096);
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(/“big\.layerloom” is 4\.9 KB; Layerloom opens project files of up to 4\.0 KB/);
  });

  it('checks text the same way before saving it', () => {
    expect(() => checkProjectText(lenet, 'lenet.json')).not.toThrow();
    expect(() => checkProjectText('{"format": 3}', 'x')).toThrow(/no "format"/);
  });
});

describe('names and command lines', () => {
  it('adds the project extension only when a path has none', () => {
    expect(ensureProjectExtension('/p/net')).toBe('/p/net.layerloom');
    expect(ensureProjectExtension('/p/net.layerloom')).toBe('/p/net.layerloom');
    expect(ensureProjectExtension('/p/net.json')).toBe('/p/net.json');
  });

  it('suggests a safe file name', () => {
    expect(suggestedFileName('LeNet-5')).toBe('LeNet-5.layerloom');
    expect(suggestedFileName('a/b:c*?')).toBe('a-b-c--.layerloom');
    expect(suggestedFileName('..')).toBe('Untitled.layerloom');
    expect(suggestedFileName('lenet5.json')).toBe('lenet5.layerloom');
    expect(suggestedFileName('net.LAYERLOOM')).toBe('net.layerloom');
  });

  it('finds project files on a command line and skips switches and the app', () => {
    const argv = ['/opt/Layerloom/layerloom', 'dist/electron/main.cjs', '--no-sandbox', 'net.layerloom', '/abs/other.json', 'notes.txt', 'net.layerloom'];
    expect(projectPathsFromArgv(argv, '/home/u')).toEqual(['/home/u/net.layerloom', '/abs/other.json']);
  });
});

describe('recent projects', () => {
  it('persists newest first, without duplicates, up to the limit, leaving out files that are gone', async () => {
    const listFile = join(dir, 'userData', 'recent-projects.json');
    const paths = ['a', 'b', 'c', 'd'].map((n) => join(dir, `${n}.layerloom`));
    for (const p of paths) writeFileSync(p, project());
    const recent = new RecentProjects(listFile, 3);
    for (const p of paths) await recent.add(p);
    await recent.add(paths[1]!);
    const expected = [paths[1]!, paths[3]!, paths[2]!].map((location) => ({ location, name: location.slice(dir.length + 1) }));
    expect(await recent.list()).toEqual(expected);

    const reloaded = new RecentProjects(listFile, 3);
    expect(await reloaded.list()).toEqual(expected);
    expect(await reloaded.has(paths[3]!)).toBe(true);
    expect(await reloaded.has(paths[0]!)).toBe(false);

    rmSync(paths[3]!);
    expect((await reloaded.list()).map((e) => e.location)).toEqual([paths[1], paths[2]]);
    await reloaded.clear();
    expect(await new RecentProjects(listFile, 3).list()).toEqual([]);
  });

  it('reads a corrupt or foreign list file as empty', async () => {
    const listFile = join(dir, 'recent-projects.json');
    writeFileSync(listFile, '{"version": 1, "entries": "nope"}');
    expect(await new RecentProjects(listFile).list()).toEqual([]);
    writeFileSync(listFile, 'garbage');
    expect(await new RecentProjects(listFile).list()).toEqual([]);
  });
});

describe('path grants', () => {
  it('knows only granted absolute paths', () => {
    const grants = new PathGrants('linux');
    grants.grant('/home/u/net.layerloom');
    expect(grants.has('/home/u/net.layerloom')).toBe(true);
    expect(grants.has('/home/u/../u/net.layerloom')).toBe(true);
    expect(grants.has('/home/u/NET.layerloom')).toBe(false);
    expect(grants.has('net.layerloom')).toBe(false);
    const windows = new PathGrants('win32');
    windows.grant('/Users/U/Net.layerloom');
    expect(windows.has('/users/u/net.layerloom')).toBe(true);
  });
});
