<?php
// `lamphp doctor`: what this PHP runtime offers, asked of the runtime itself. One JSON object.
$has = fn(string $f) => function_exists($f);
$ext = fn(string $e) => extension_loaded($e);
$sqlite = function (string $sql): bool {
    try {
        $db = new PDO('sqlite::memory:');
        $db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
        $db->exec($sql);
        return true;
    } catch (Throwable $e) {
        return false;
    }
};
$disabled = array_filter(array_map('trim', explode(',', (string) ini_get('disable_functions'))));
$process = array_values(array_filter(['exec', 'shell_exec', 'system', 'passthru', 'popen', 'proc_open'], fn($f) => function_exists($f)));
header('Content-Type: application/json');
echo json_encode([
    'php' => PHP_VERSION,
    'sapi' => PHP_SAPI,
    'extensions' => array_values(array_map('strtolower', get_loaded_extensions())),
    'rows' => [
        ['intl', $ext('intl'), 'LAMPHP_PHP_EXTENSIONS=intl (ICU data, ~30 MB per runtime)'],
        ['sodium', $has('sodium_crypto_secretbox'), $ext('sodium') ? 'extension' : 'sodium_compat (pure PHP), loaded on first call'],
        ['fastcgi_finish_request()', $has('fastcgi_finish_request'), 'answer sent at once, the script goes on'],
        ['HTTPS certificate verification', is_file((string) ini_get('openssl.cafile')) && is_file((string) ini_get('curl.cainfo')), 'CA bundle of what Node trusts'],
        ['mysqli / PDO MySQL', $ext('mysqli') && $ext('pdo_mysql'), ''],
        ['SQLite (sqlite3, PDO SQLite)', $ext('sqlite3') && $ext('pdo_sqlite'), 'SQLite ' . (class_exists('SQLite3') ? SQLite3::version()['versionString'] : '')],
        ['SQLite FTS5', $sqlite('CREATE VIRTUAL TABLE t USING fts5(a)'), ''],
        ['SQLite FTS4', $sqlite('CREATE VIRTUAL TABLE t USING fts4(a)'), 'MediaWiki\'s search needs FTS3'],
        ['SQLite FTS3', $sqlite('CREATE VIRTUAL TABLE t USING fts3(a)'), 'MediaWiki\'s search needs it'],
        ['SQLite JSON', $sqlite("SELECT json('{}')"), ''],
        ['SQLite R*Tree', $sqlite('CREATE VIRTUAL TABLE t USING rtree(id, a, b)'), ''],
        ['gd', $ext('gd'), implode(', ', array_keys(array_filter(['WebP' => function_exists('imagewebp'), 'AVIF' => function_exists('imageavif'), 'JPEG' => function_exists('imagejpeg')])))],
        ['imagick', $ext('imagick'), ''],
        ['curl', $ext('curl'), ''],
        ['mbstring, iconv', $ext('mbstring') && $ext('iconv'), ''],
        ['zip, zlib, Phar', $ext('zip') && $ext('zlib') && $ext('phar'), ''],
        ['bz2', $ext('bz2'), ''],
        ['gmp', $ext('gmp'), 'bcmath is there: ' . ($ext('bcmath') ? 'yes' : 'no')],
        ['apcu', $ext('apcu'), 'opcache is on: ' . (function_exists('opcache_get_status') && @opcache_get_status(false)['opcache_enabled'] ? 'yes' : 'no')],
        ['redis, memcached', $ext('redis') && $ext('memcached'), 'LAMPHP_PHP_EXTENSIONS=redis,memcached'],
        ['posix', $ext('posix'), ''],
        ['pcntl', $ext('pcntl'), ''],
        ['sockets', $ext('sockets'), 'streams and curl do networking'],
        ['ftp', $ext('ftp'), ''],
        ['xsl', $ext('xsl'), ''],
        ['gettext', $ext('gettext'), ''],
        ['FFI', $ext('ffi'), ''],
        ['ldap', $ext('ldap'), ''],
        ['pgsql', $ext('pgsql') || $ext('pdo_pgsql'), ''],
        ['process functions (exec, proc_open…)', $process !== [], $process === [] ? 'disabled: ' . (implode(', ', array_intersect(['exec', 'shell_exec', 'system', 'passthru', 'popen', 'proc_open'], $disabled)) ?: 'absent') : 'available: ' . implode(', ', $process)],
        ['mail()', $has('mail'), ''],
    ],
]);
