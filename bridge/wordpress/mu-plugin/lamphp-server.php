<?php
/**
 * Plugin Name: lamphp server
 * Description: Tells WordPress what the lamphp front door does for it. Installed and kept up to date by lamphp.
 */

// lamphp routes like nginx's `try_files $uri $uri/ /index.php?$args`: pretty permalinks work
// without an .htaccess, so WordPress must not fall back to /index.php/ in its links.
add_filter( 'got_url_rewrite', '__return_true' );

// WordPress turns pretty permalinks on at install only if a request to its own first post,
// made from inside the installer, answers. lamphp installs before anyone can reach the site (the
// local server listens afterwards; in Lambda the function has no route to its own address), so
// that test always fails: when it fell back to plain links, use the structure it would have kept.
add_action(
	'wp_install',
	static function () {
		if ( '' === (string) get_option( 'permalink_structure' ) ) {
			global $wp_rewrite;
			$wp_rewrite->set_permalink_structure( '/%year%/%monthnum%/%day%/%postname%/' );
			flush_rewrite_rules( false );
		}
	}
);
