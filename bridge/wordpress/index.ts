/** WordPress support: find a source tree, prepare a site, write wp-config.php, run the installer. */
export {
  DEFAULT_WORDPRESS_URL,
  readWordPressVersion,
  resolveWordPressSource,
  wordpressUrlFromEnv,
  type ResolveSourceOptions,
  type SourceOrigin,
  type WordPressSource,
} from './source.ts';
export { prepareSite, sqlitePluginZip, SALTS_FILE, SQLITE_PLUGIN_DIR, type PrepareSiteOptions } from './site.ts';
export {
  dbSettingsFromEnv,
  cookieHash,
  homeFromEnv,
  loadOrCreateSalts,
  personalCookieNames,
  phpLiteral,
  renderWpConfig,
  SALT_NAMES,
  SQLITE_DB_DIR,
  SQLITE_DB_FILE,
  type DbSettings,
  type Salts,
  type WpConfigSettings,
} from './wp-config.ts';
export { generatePassword, installWordPress, type InstallOptions, type RequestHandler } from './install.ts';
export { defaultDebianRoots, REPO_DEBIAN_ROOT } from './debian.ts';
export type { InstallCommand, InstallCommandResult } from './install-site.ts';
export { recordInstalled } from './install-state.ts';
