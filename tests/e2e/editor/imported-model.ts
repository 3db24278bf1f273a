/**
 * What the tests of an opened ONNX model share: exporting the kept weights from the training panel, and running
 * a two-input model in onnxruntime-node to compare it with the original.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { Download, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Clicks Export in the training panel and reads the two files it downloads, by name. */
export async function exportFiles(page: Page): Promise<Map<string, Buffer>> {
  const downloads: Download[] = [];
  const onDownload = (d: Download) => void downloads.push(d);
  page.on('download', onDownload);
  await page.getByTestId('train-export').click();
  await expect.poll(() => downloads.length).toBe(2);
  page.off('download', onDownload);
  const files = new Map<string, Buffer>();
  for (const d of downloads) files.set(d.suggestedFilename(), readFileSync((await d.path())!));
  return files;
}

/** A model's outputs for `x` ([n, 2]) in onnxruntime-node. */
export async function run(bytes: Uint8Array, x: Float32Array): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes);
  try {
    const out = await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', x, [x.length / 2, 2]) });
    return Float32Array.from((await out[s.outputNames[0]!]!.getData()) as Float32Array);
  } finally {
    await s.release();
  }
}
