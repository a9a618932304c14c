/**
 * bridge/engine/php-wasm/files.ts as the layer's bundle sees it: the worker entry and php.ini
 * sit beside the bundle in /opt/lamphp (layer/build.ts puts them there and swaps this module in).
 */

/** The worker thread's entry, bundled on its own. */
export const WORKER_URL = new URL('./php-worker.mjs', import.meta.url);

/** lamphp's own php.ini. */
export const DEFAULT_INI_URL = new URL('./php.ini', import.meta.url);

/** Where `@php-wasm/node-<version>` is resolved from: /opt/lamphp/node_modules. */
export const PACKAGES_URL = new URL('./', import.meta.url);

/** lamphp's PHP-side files (auto_prepend_file, sodium_compat): /opt/lamphp/php. */
export const PHP_SUPPORT_URL = new URL('./php/', import.meta.url);
