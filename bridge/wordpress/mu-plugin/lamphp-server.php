<?php
/**
 * Plugin Name: lamphp server
 * Description: Tells WordPress what the lamphp front door does for it. Installed and kept up to date by lamphp.
 */

// lamphp routes like nginx's `try_files $uri $uri/ /index.php?$args`: pretty permalinks work
// without an .htaccess, so WordPress must not fall back to /index.php/ in its links.
add_filter( 'got_url_rewrite', '__return_true' );
