/**
 * The editor's digits source (renderer/train/digits-source.ts) over real HTTP: the file the web build ships
 * decodes to the JSON loader's values, and a refused connection, an HTTP error or a damaged file is one line.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digits, setDigitsSource } from '../../runtime/data/builtin/digits';
import { DataError } from '../../runtime/data/errors';
import { loadMnistDigits, mnistDigitsBinary } from '../../runtime/data/node/mnist';
import { fetchDigits, registerAppDigits } from '../../renderer/train/digits-source';

describe('the editor fetches the digits from the app', () => {
  let server: Server;
  let base = '';
  let bytes: Uint8Array;
  const requests: string[] = [];
  beforeAll(async () => {
    bytes = await mnistDigitsBinary();
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/app/mnist-digits.bin') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
      else if (req.url === '/damaged/mnist-digits.bin') res.writeHead(200).end(bytes.subarray(0, 5000));
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    setDigitsSource(undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('decodes the served file to exactly the JSON loader’s values', async () => {
    const [fetched, json] = await Promise.all([fetchDigits(`${base}/app/mnist-digits.bin`), loadMnistDigits()]);
    expect(Buffer.from(fetched.images.buffer).equals(Buffer.from(json.images.buffer))).toBe(true);
    expect(Array.from(fetched.labels)).toEqual(Array.from(json.labels));
  });

  it('says in one line why it cannot', async () => {
    const rebuild = 'rebuild the app (npm run build:web) to generate it';
    await expect(fetchDigits(`${base}/gone/mnist-digits.bin`)).rejects.toThrow(`the app's digits file mnist-digits.bin could not be fetched (HTTP 404); ${rebuild}`);
    await expect(fetchDigits(`${base}/damaged/mnist-digits.bin`)).rejects.toThrow(/^the digits file mnist-digits\.bin is 5000 bytes long, not 7851096/);
    const refused = fetchDigits('http://127.0.0.1:1/mnist-digits.bin');
    await expect(refused).rejects.toBeInstanceOf(DataError);
    await expect(refused).rejects.toThrow(/^the app's digits file mnist-digits\.bin could not be fetched \([^\n]+\); rebuild/);
  });

  it('registers a source that fetches beside the app’s base URL once, on the first load of digits', async () => {
    requests.length = 0;
    registerAppDigits(`${base}/app/index.html`);
    expect(requests).toEqual([]);
    const a = await digits.load({ seed: 4, size: 100 });
    const b = await digits.load({ seed: 5, size: 100 });
    expect(requests).toEqual(['/app/mnist-digits.bin']);
    setDigitsSource(undefined);
    expect((await digits.load({ seed: 4, size: 100 })).arrays.x).toEqual(a.arrays.x);
    expect(b.size).toBe(100);
  });
});
