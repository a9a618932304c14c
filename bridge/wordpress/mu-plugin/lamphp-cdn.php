<?php
/**
 * Plugin Name: lamphp CDN
 * Description: Tells lamphp which pages a publish, update or deletion made stale, so it can invalidate them in CloudFront after the response. Installed by lamphp and rewritten when the site starts: change bridge/wordpress/mu-plugin/ in lamphp instead.
 * Version: 1
 *
 * The paths go to the host through php-wasm's post_message_to_js() once per request (at
 * shutdown); lamphp holds the CloudFront permission and the distribution id. Elsewhere (native
 * PHP, no lamphp) the function does not exist and this plugin does nothing.
 */

defined( 'ABSPATH' ) || exit;

if ( ! function_exists( 'post_message_to_js' ) ) {
	return;
}

$GLOBALS['lamphp_cdn_paths'] = array();

/** Adds the path of a URL on this site (its query string, if any, becomes a wildcard). */
function lamphp_cdn_add_url( $url ) {
	if ( ! is_string( $url ) || '' === $url ) {
		return;
	}
	$parts = wp_parse_url( $url );
	if ( ! is_array( $parts ) ) {
		return;
	}
	$home_host = wp_parse_url( home_url(), PHP_URL_HOST );
	if ( isset( $parts['host'] ) && $home_host && strtolower( $parts['host'] ) !== strtolower( $home_host ) ) {
		return;
	}
	$path = isset( $parts['path'] ) && '' !== $parts['path'] ? $parts['path'] : '/';
	// CloudFront keys pages by query string too: `/?p=1` is only reachable through a wildcard.
	if ( isset( $parts['query'] ) && '' !== $parts['query'] ) {
		$path .= '*';
	}
	$GLOBALS['lamphp_cdn_paths'][ $path ] = true;
}

/** The pages that show a post: itself, the front page, feeds, its archives. */
function lamphp_cdn_add_post( $post ) {
	$post = get_post( $post );
	if ( ! $post || wp_is_post_revision( $post ) || wp_is_post_autosave( $post ) || ! is_post_type_viewable( $post->post_type ) ) {
		return;
	}
	lamphp_cdn_add_url( get_permalink( $post ) );
	lamphp_cdn_add_url( home_url( '/' ) );
	lamphp_cdn_add_url( get_feed_link() );
	$posts_page = (int) get_option( 'page_for_posts' );
	if ( $posts_page > 0 ) {
		lamphp_cdn_add_url( get_permalink( $posts_page ) );
	}
	$archive = get_post_type_archive_link( $post->post_type );
	if ( $archive ) {
		lamphp_cdn_add_url( $archive );
	}
	foreach ( get_object_taxonomies( $post->post_type, 'objects' ) as $taxonomy ) {
		if ( ! $taxonomy->public ) {
			continue;
		}
		$terms = get_the_terms( $post, $taxonomy->name );
		if ( is_array( $terms ) ) {
			foreach ( $terms as $term ) {
				$link = get_term_link( $term );
				if ( ! is_wp_error( $link ) ) {
					lamphp_cdn_add_url( $link );
				}
			}
		}
	}
	if ( post_type_supports( $post->post_type, 'author' ) ) {
		lamphp_cdn_add_url( get_author_posts_url( (int) $post->post_author ) );
	}
}

// Published now, or published before (unpublished, trashed, scheduled away): either way visitors saw or will see it.
add_action(
	'transition_post_status',
	function ( $new_status, $old_status, $post ) {
		if ( 'publish' === $new_status || 'publish' === $old_status ) {
			lamphp_cdn_add_post( $post );
		}
	},
	10,
	3
);

// Before an update of a published post: its old address (a changed slug, the trash suffix) is stale too.
add_action(
	'pre_post_update',
	function ( $post_id ) {
		$post = get_post( $post_id );
		if ( $post && 'publish' === $post->post_status ) {
			lamphp_cdn_add_post( $post );
		}
	}
);

add_action(
	'before_delete_post',
	function ( $post_id ) {
		$post = get_post( $post_id );
		if ( $post && 'publish' === $post->post_status ) {
			lamphp_cdn_add_post( $post );
		}
	}
);

// One message per request, once everything that could publish has run.
add_action(
	'shutdown',
	function () {
		if ( empty( $GLOBALS['lamphp_cdn_paths'] ) ) {
			return;
		}
		$paths                       = array_keys( $GLOBALS['lamphp_cdn_paths'] );
		$GLOBALS['lamphp_cdn_paths'] = array();
		post_message_to_js(
			wp_json_encode(
				array(
					'lamphp' => 'cdn-invalidate',
					'paths'  => $paths,
				)
			)
		);
	},
	0
);
