#!/usr/bin/env node
// The `layerloom` command. The CLI is TypeScript; tsx compiles it on the fly so no build step is needed.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
