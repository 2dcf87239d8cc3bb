#!/usr/bin/env node
// The `folio` command. Folio runs its TypeScript sources directly through tsx, so there is no build
// step between `npm install` and `npm start`.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.ts');
const { run } = await import(pathToFileURL(main).href);
await run(process.argv.slice(2));
