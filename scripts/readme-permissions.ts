import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withPermissionMatrix } from '../src/auth/permission-matrix';

/** `npm run readme:permissions`: rewrites the README's role matrix from src/auth/office-scope.ts. */
const path = join(__dirname, '..', '..', 'README.md');
writeFileSync(path, withPermissionMatrix(readFileSync(path, 'utf8')));
console.log(`wrote the permission matrix into ${path}`);
