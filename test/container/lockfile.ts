/** Which installed packages package-lock.json marks as needed only for development. */
import { isObject, readProjectJson } from './project.js';

export interface LockfilePackages {
  /** Top-level packages (node_modules/<name>) reachable only from devDependencies. */
  devOnly: Set<string>;
  /** Top-level packages a production install (`npm ci --omit=dev`) brings. */
  production: Set<string>;
}

const TOP_LEVEL = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/;

export function lockfilePackages(): LockfilePackages {
  const lock = readProjectJson('package-lock.json');
  const packages = isObject(lock) ? lock['packages'] : undefined;
  if (!isObject(packages)) throw new Error('package-lock.json has no `packages` (lockfileVersion 2 or later is needed)');
  const devOnly = new Set<string>();
  const production = new Set<string>();
  for (const [path, entry] of Object.entries(packages)) {
    const name = TOP_LEVEL.exec(path)?.[1];
    if (!name || !isObject(entry)) continue;
    (entry['dev'] === true ? devOnly : production).add(name);
  }
  return { devOnly, production };
}
