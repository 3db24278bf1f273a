/** `npm run docs:layers`: regenerates docs/layers.md. A test fails when the committed file is stale. */
import { writeFileSync } from 'node:fs';
import { renderLayerDocs } from './layer-docs';

const target = new URL('../docs/layers.md', import.meta.url);
writeFileSync(target, renderLayerDocs());
console.log(`wrote ${target.pathname}`);
