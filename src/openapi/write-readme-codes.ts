import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { withReadmeCodes } from './error-code-registry';

/** `npm run docs:error-codes`: rewrites the README's error-code list from the registry. */
const readme = path.resolve(__dirname, '../../README.md');
writeFileSync(readme, withReadmeCodes(readFileSync(readme, 'utf8')));
