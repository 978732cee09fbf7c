import { PERMISSIONS, type Permission } from './office-scope';
import { ROLES } from './principal';

export const MATRIX_START =
  '<!-- permission-matrix:start (generated from src/auth/office-scope.ts: npm run readme:permissions) -->';
export const MATRIX_END = '<!-- permission-matrix:end -->';

/** The README's role matrix, as a Markdown table, from the one policy table. */
export function permissionMatrix(): string {
  const header = ['permission', 'what it allows', ...ROLES, 'admin'];
  const rows = (Object.keys(PERMISSIONS) as Permission[]).map((name) => {
    const p = PERMISSIONS[name];
    const roles: readonly string[] = p.roles;
    return [
      `\`${name}\``,
      p.what,
      ...ROLES.map((r) => (roles.includes(r) ? 'its offices' : '–')),
      p.admin ? 'every office' : '–',
    ];
  });
  return [header, header.map(() => '---'), ...rows]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

/** The README with its matrix section replaced by the generated one. */
export function withPermissionMatrix(readme: string): string {
  const start = readme.indexOf(MATRIX_START);
  const end = readme.indexOf(MATRIX_END);
  if (start < 0 || end < start) throw new Error('README.md has no permission-matrix markers');
  return `${readme.slice(0, start + MATRIX_START.length)}\n${permissionMatrix()}\n${readme.slice(end)}`;
}
