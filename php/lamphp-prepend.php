<?php
/*
 * lamphp's auto_prepend_file: what php-fpm or a stock PHP offers and php-wasm lacks. It runs
 * before every script, so it only declares; nothing heavy loads until it is called.
 */

if (PHP_SAPI === 'fpm-fcgi' && !function_exists('fastcgi_finish_request')) {
    /**
     * As php-fpm's: the response so far goes to the visitor now, the script keeps running (its
     * further output is discarded) until it ends or the request's deadline stops it.
     */
    function fastcgi_finish_request(): bool
    {
        static $finished = false;
        if ($finished) {
            return false;
        }
        $finished = true;
        while (ob_get_level() > 0 && @ob_end_flush()) {
        }
        flush();
        $status = http_response_code();
        $answer = post_message_to_js(json_encode([
            'lamphp' => 'finish',
            'status' => $status === false ? 200 : $status,
            'headers' => headers_list(),
        ]));
        return $answer === 'finished';
    }
}

if (PHP_SAPI === 'fpm-fcgi' && isset($_SERVER['HTTP_AUTHORIZATION'])) {
    // php-fpm and php-cgi turn the Authorization header into PHP_AUTH_USER and PHP_AUTH_PW
    // (Basic) or PHP_AUTH_DIGEST (Digest) before the script runs (main.c, php_handle_auth_data);
    // php-wasm's SAPI does not. Same steps, byte for byte: a case-insensitive scheme, PHP's own
    // lenient base64 decoding, the result read as a C string (up to its first NUL), the user up
    // to the first colon, an empty password left unset.
    (static function (string $auth): void {
        if (strncasecmp($auth, 'Basic ', 6) === 0) {
            $credentials = strstr(base64_decode(substr($auth, 6)) . "\0", "\0", true);
            $colon = strpos($credentials, ':');
            if ($colon !== false) {
                $_SERVER['PHP_AUTH_USER'] = substr($credentials, 0, $colon);
                if ($colon + 1 < strlen($credentials)) {
                    $_SERVER['PHP_AUTH_PW'] = substr($credentials, $colon + 1);
                }
                return;
            }
        }
        if (strncasecmp($auth, 'Digest ', 7) === 0) {
            $_SERVER['PHP_AUTH_DIGEST'] = substr($auth, 7);
        }
    })($_SERVER['HTTP_AUTHORIZATION']);
}

if (!extension_loaded('sodium') && is_file('/internal/lamphp/sodium.php')) {
    // sodium_compat: functions and constants declared here, its classes loaded on first use.
    require '/internal/lamphp/sodium.php';
}
