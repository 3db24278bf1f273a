/** The committed protobufjs static code is current and CSP-safe. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeModel } from '../../../exporters/onnx/decode';
import { encodeModel } from '../../../exporters/onnx/encode';
import { kitchenSinkModel } from './models';

const root = new URL('../../../', import.meta.url).pathname;
const generated = 'exporters/onnx/proto/onnx.generated.js';
const realFunction = globalThis.Function;
const realEval = globalThis.eval;

afterEach(() => {
  globalThis.Function = realFunction;
  globalThis.eval = realEval;
});

describe('exporters/onnx/proto', () => {
  it('matches what `npm run gen:onnx-proto` generates', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const command = pkg.scripts['gen:onnx-proto']!;
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-pbjs-'));
    try {
      const args = command.split(/\s+/).slice(1).map((a) => (a === generated ? join(dir, 'onnx.generated.js') : a));
      expect(args).toContain(join(dir, 'onnx.generated.js'));
      const result = spawnSync(process.execPath, [join(root, 'node_modules/protobufjs-cli/bin/pbjs'), ...args], { cwd: root, encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      for (const file of ['onnx.generated.js', 'onnx.generated.d.ts']) {
        expect(readFileSync(join(dir, file), 'utf8'), `${file} is stale: run npm run gen:onnx-proto`).toBe(
          readFileSync(join(root, 'exporters/onnx/proto', file), 'utf8'),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('imports only protobufjs/minimal and never builds code at run time', () => {
    const source = readFileSync(join(root, generated), 'utf8');
    expect(source.match(/^import .*$/gm)).toEqual(['import $protobuf from "protobufjs/minimal.js";']);
    expect(source).not.toMatch(/\bFunction\s*\(|\beval\s*\(/);
    const bytes = encodeModel(kitchenSinkModel());
    const forbidden = () => {
      throw new Error('code generation at run time');
    };
    globalThis.Function = forbidden as unknown as FunctionConstructor;
    globalThis.eval = forbidden;
    expect(decodeModel(bytes)).toEqual(kitchenSinkModel());
  });
});
