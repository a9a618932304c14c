/**
 * What every PHP runtime gets beside php-wasm's own files, under /internal/lamphp (MEMFS):
 * - `prepend.php`, php.ini's auto_prepend_file: `fastcgi_finish_request()` and the sodium API;
 * - `sodium.php`: sodium_compat's functions and constants (it has no `sodium` extension), built
 *   once here from the vendored files; its classes stay in `sodium_compat/src`, mounted
 *   read-only, and load on the first call;
 * - `ca-bundle.pem`: the certificates Node trusts (its bundled Mozilla store, plus
 *   NODE_EXTRA_CA_CERTS and the system store when Node is told to use them), for
 *   `openssl.cafile` / `curl.cainfo` — php-wasm cannot see the host's /etc/ssl.
 */
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../engine.ts';
import { PHP_SUPPORT_URL } from './files.ts';

/** Where the files land inside PHP's filesystem (php.ini names these paths). */
export const SUPPORT_DIR = '/internal/lamphp';
export const SODIUM_DIR = `${SUPPORT_DIR}/sodium_compat`;

export interface PhpSupport {
  /** File name under SUPPORT_DIR → contents. */
  files: Record<string, string>;
  /** Host directory mounted read-only at SODIUM_DIR. */
  sodiumHostDir: string;
}

/** The function and constant files of sodium_compat that make up `sodium.php`, in order. */
const SODIUM_PARTS = ['lib/php72compat_const.php', 'lib/php84compat_const.php', 'lib/php72compat.php', 'lib/stream-xchacha20.php', 'lib/php84compat.php'];
const EAGER_AUTOLOAD = "require_once dirname(dirname(__FILE__)) . '/autoload.php';";
const XCHACHA_INCLUDE = "require_once dirname(__FILE__) . '/stream-xchacha20.php';";
/** `if (!is_callable('sodium_x')) { function sodium_x(…) {…} }`, as every compat file writes each function. */
const GUARDED_FUNCTION = /^if \(!is_callable\('\w+'\)\) \{\n([\s\S]*?)\n\}\n/gm;

function body(file: string, text: string): string {
  if (!text.startsWith('<?php')) throw new EngineError('EBOOT', `${file} does not start with <?php; sodium_compat was changed.`);
  return text.slice(5).replace(/\?>\s*$/, '');
}

/** The loop in the compat files that defines missing SODIUM_* constants from the Compat class. */
const CONSTANT_LOOP = /foreach \(array\(([\s\S]*?)\) as \$constant\s*\) \{[\s\S]*?\n\}\n/;

/**
 * That loop would load ParagonIE_Sodium_Compat on every request just to look at its constants:
 * the constants it would define are written out here, read from the class's source.
 */
function classConstants(sodiumHostDir: string, compatFiles: string[]): string {
  const read = (rel: string) => fs.readFileSync(path.join(sodiumHostDir, rel), 'utf8');
  const declared = new Set([...(read('lib/php72compat_const.php') + read('lib/php84compat_const.php')).matchAll(/const SODIUM_([A-Z0-9_]+)/g)].map((m) => m[1]));
  const compatClass = read('src/Compat.php');
  const lines: string[] = [];
  for (const text of compatFiles) {
    const list = CONSTANT_LOOP.exec(text)?.[1];
    if (list === undefined) throw new EngineError('EBOOT', "sodium_compat's constant loop changed; lamphp's sodium file needs updating.");
    for (const [, name] of list.matchAll(/'([A-Z0-9_]+)'/g)) {
      if (declared.has(name!)) continue;
      declared.add(name!);
      const value = new RegExp(`const ${name} = ([^;]+);`).exec(compatClass)?.[1];
      // A name the class lacks is one the loop would have skipped too.
      if (value !== undefined) lines.push(`const SODIUM_${name} = ${value};`);
    }
  }
  return lines.join('\n');
}

/** One PHP file of sodium_compat's declarations, with an autoloader for its classes instead of its eager one. */
export function buildSodiumFile(sodiumHostDir: string): string {
  const sources = SODIUM_PARTS.map((rel) => ({ rel, text: fs.readFileSync(path.join(sodiumHostDir, rel), 'utf8') }));
  const constants = classConstants(sodiumHostDir, sources.filter((s) => s.rel.endsWith('compat.php')).map((s) => s.text));
  const parts = sources.map(({ rel, text: source }) => {
    let text = body(rel, source);
    if (rel.endsWith('compat.php')) {
      if (!text.includes(EAGER_AUTOLOAD)) throw new EngineError('EBOOT', `${rel} no longer loads its autoloader as lamphp expects.`);
      text = text.replace(EAGER_AUTOLOAD, '').replace(XCHACHA_INCLUDE, '').replace(CONSTANT_LOOP, '');
    }
    if (rel.endsWith('.php') && !rel.endsWith('_const.php')) {
      // Declared unconditionally, opcache binds them when it compiles the file instead of on every
      // request (the prepend includes this file only where the sodium extension is absent).
      text = text.replace(GUARDED_FUNCTION, (_m, fn: string) => fn.replace(/^ {4}/gm, ''));
    }
    return `// ---- sodium_compat/${rel}\n${text}`;
  });
  return `<?php
// Built by lamphp from sodium_compat (ISC licence, ${SODIUM_DIR}/LICENSE). Classes load on first use.
spl_autoload_register(static function ($class) {
    if ($class === 'SodiumException') {
        require '${SODIUM_DIR}/src/SodiumException.php';
    } elseif (strncmp($class, 'ParagonIE_Sodium_', 17) === 0) {
        $file = '${SODIUM_DIR}/src/' . str_replace('_', '/', substr($class, 17)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
${constants}
${parts.join('\n')}
`;
}

/** The certificates Node trusts, as one PEM bundle. */
export function caBundle(): string {
  const get = (tls as unknown as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  const certificates = get ? get('default') : tls.rootCertificates;
  return certificates.map((pem) => pem.trim()).join('\n') + '\n';
}

let cached: PhpSupport | undefined;

/** Built once per process and handed to every worker in its spec. */
export function phpSupport(): PhpSupport {
  if (cached) return cached;
  const dir = fileURLToPath(PHP_SUPPORT_URL);
  const sodiumHostDir = path.join(dir, 'sodium_compat');
  cached = {
    files: {
      'prepend.php': fs.readFileSync(path.join(dir, 'lamphp-prepend.php'), 'utf8'),
      'sodium.php': buildSodiumFile(sodiumHostDir),
      'ca-bundle.pem': caBundle(),
    },
    sodiumHostDir,
  };
  return cached;
}
