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

if (!extension_loaded('sodium') && is_file('/internal/lamphp/sodium.php')) {
    // sodium_compat: functions and constants declared here, its classes loaded on first use.
    require '/internal/lamphp/sodium.php';
}
