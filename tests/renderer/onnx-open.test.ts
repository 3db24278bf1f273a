/**
 * Dropping an .onnx file on the editor: a model opens as a new unsaved project with the imported layers; a file
 * that cannot be imported shows why and leaves the open document exactly as it was.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDroppedOnnx } from '../../renderer/app/onnx-open';
import { createEditor, isDirty } from '../../renderer/store/editor';
import { encodeModel } from '../../exporters/onnx/encode';
import { readExample } from '../helpers/graphs';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';

let models = '';
beforeAll(() => {
  models = mkdtempSync(join(tmpdir(), 'layerloom-onnx-open-'));
  const r = spawnSync(SYSTEM_PYTHON, [new URL('../../build/fixtures/onnx_import_models.py', import.meta.url).pathname, models], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`onnx_import_models.py failed: ${r.stderr}`);
}, 120_000);

/** The editor store with LeNet-5 open from disk, and a UI that records its dialogs and toasts. */
function app(confirm = true) {
  const editor = createEditor(readExample('lenet5.json'), { name: 'lenet5.json', location: '/projects/lenet5.json' });
  const dialogs: unknown[] = [];
  const toasts: string[] = [];
  const asked: string[] = [];
  const services = {
    editor,
    ui: { open: (o: unknown) => void dialogs.push(o), toast: (t: string) => void toasts.push(t) },
    mayReplace: () => !isDirty(editor.getState()) || (asked.push('discard?'), confirm),
  };
  const drop = (file: File) => openDroppedOnnx(file, services);
  return { editor, dialogs, toasts, asked, drop };
}

const onnxFile = (name: string, bytes: Uint8Array) => new File([Uint8Array.from(bytes)], name, { type: 'application/octet-stream' });

describe('opening a dropped ONNX model', () => {
  it('opens the LSTM classifier as a new, unsaved project of catalogue layers', async () => {
    const a = app();
    expect(await a.drop(onnxFile('lstm_op17.onnx', readFileSync(join(models, 'lstm_op17.onnx'))))).toBe(true);
    const { doc, file } = a.editor.getState();
    expect(doc.name).toBe('lstm_op17');
    expect(doc.nodes.map((n) => n.kind)).toEqual(['Input', 'Embedding', 'LSTM', 'SelectIndex', 'Linear']);
    expect(file.location).toBeUndefined();
    expect(file.name).toBe('lstm_op17.json');
    expect(isDirty(a.editor.getState())).toBe(true);
    expect(a.editor.analysis().summary.total_params).toBe(50 * 16 + 4 * 32 * (16 + 32 + 2) + 32 * 4 + 4);
    expect(a.toasts).toEqual([
      'Imported lstm_op17.onnx: 4 layers; its 7 weight tensors are kept with the project.',
    ]);
  });

  it('a truncated model: the reason is shown and the open document is untouched', async () => {
    const a = app();
    const before = a.editor.getState();
    const bytes = readFileSync(join(models, 'cnn_op17.onnx'));
    expect(await a.drop(onnxFile('cnn.onnx', bytes.subarray(0, 5000)))).toBe(false);
    expect(a.editor.getState()).toBe(before);
    expect(a.dialogs).toEqual([{
      kind: 'openError',
      title: 'cnn.onnx could not be opened',
      messages: [expect.stringMatching(/^not a valid ONNX file: the data ends in the middle of a field, the file is truncated or corrupt/)],
    }]);
    expect(a.toasts).toEqual([]);
  });

  it('an operator from another domain: refused with the reason, nothing replaced', async () => {
    const a = app();
    const before = a.editor.getState();
    const bytes = encodeModel({
      irVersion: 8,
      opsetImports: [{ domain: '', version: 17 }, { domain: 'com.example', version: 1 }],
      producerName: 'test',
      producerVersion: '1',
      graph: {
        name: 'g',
        nodes: [{ name: 'odd', opType: 'FancyOp', domain: 'com.example', inputs: ['x'], outputs: ['y'] }],
        inputs: [{ name: 'x', elemType: 'float32', shape: ['N', 3] }],
        outputs: [{ name: 'y', elemType: 'float32', shape: ['N', 3] }],
        initializers: [],
      },
    });
    expect(await a.drop(onnxFile('odd.onnx', bytes))).toBe(false);
    expect(a.editor.getState()).toBe(before);
    expect((a.dialogs[0] as { messages: string[] }).messages[0]).toContain("operator FancyOp of domain 'com.example'");
  });

  it('unsaved changes are kept when the user declines to discard them', async () => {
    const a = app(false);
    a.editor.dispatch({ type: 'setParam', id: 'f6', name: 'out_features', value: 32 });
    const before = a.editor.getState();
    expect(await a.drop(onnxFile('mlp.onnx', readFileSync(join(models, 'mlp_op17.onnx'))))).toBe(false);
    expect(a.asked).toEqual(['discard?']);
    expect(a.editor.getState()).toBe(before);
  });
});
