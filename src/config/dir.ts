import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** config/ of the installation: where marsad reads its YAML files unless MARSAD_CONFIG_DIR names another folder. */
export const DEFAULT_CONFIG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config');

export function configDir(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.MARSAD_CONFIG_DIR ?? DEFAULT_CONFIG_DIR);
}
