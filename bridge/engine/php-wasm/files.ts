/**
 * Files the engine loads by path at run time. In the repository they sit beside the sources;
 * the layer's bundle swaps this module for layer/bundle-files.ts, where they sit beside the
 * bundle (/opt/lamphp).
 */

/** The worker thread's entry. */
export const WORKER_URL = new URL('./worker.ts', import.meta.url);

/** lamphp's own php.ini at the repository root. */
export const DEFAULT_INI_URL = new URL('../../../php.ini', import.meta.url);

/** Where `@php-wasm/node-<version>` is resolved from (its .wasm is compiled once per process). */
export const PACKAGES_URL = new URL('./', import.meta.url);

/** lamphp's PHP-side files: the auto_prepend_file and sodium_compat (php-support.ts). */
export const PHP_SUPPORT_URL = new URL('../../../php/', import.meta.url);
