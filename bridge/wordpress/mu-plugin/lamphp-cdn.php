<?php
/**
 * Plugin Name: lamphp CDN
 * Description: Tells lamphp which pages a change made stale, so it can invalidate them in CloudFront after the response. Installed by lamphp and rewritten when the site starts: change bridge/wordpress/mu-plugin/ in lamphp instead.
 * Version: 2
 *
 * The paths go to the host through php-wasm's post_message_to_js() once per request (at
 * shutdown); lamphp holds the CloudFront permission and the distribution id, and sends one
 * invalidation (directly or through the outbox relay). Elsewhere (native PHP, no lamphp) the
 * function does not exist and this plugin does nothing.
 *
 * What anonymous visitors see, and what each change invalidates:
 * - a post or page published, updated, unpublished, trashed or deleted: its address (old and
 *   new), the front page, the feed, the posts page, its archives (type, terms, author), and the
 *   archives of terms a published post gained or lost (assigned after the save);
 * - a comment that is or was visible (approved, edited, unapproved, trashed, spammed, deleted):
 *   its post's pages (`<permalink>*`, comment pages included), plus what a post change
 *   invalidates (comment counts show in lists), and the comment feeds; a comment held for
 *   moderation invalidates nothing, so a visitor cannot empty the cache by commenting;
 * - everything (`/*`), for what shows on every page: menus and menu items, widgets and
 *   sidebars, a theme switch, a Customizer save, theme mods, site-editor templates, template
 *   parts, global styles, navigation menus and synced patterns, a category or tag renamed or
 *   deleted, an author's public name, and the site options listed in lamphp_cdn_site_options().
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

/** Every page: one wildcard path. */
function lamphp_cdn_add_all() {
	$GLOBALS['lamphp_cdn_paths']['/*'] = true;
}

/** Options shown on (or shaping) every public page. */
function lamphp_cdn_site_options() {
	return array(
		'blogname', 'blogdescription', 'home', 'siteurl', 'WPLANG', 'site_icon', 'blog_public',
		'show_on_front', 'page_on_front', 'page_for_posts', 'posts_per_page', 'posts_per_rss', 'rss_use_excerpt',
		'permalink_structure', 'category_base', 'tag_base', 'date_format', 'time_format', 'timezone_string',
		'gmt_offset', 'start_of_week', 'sticky_posts', 'stylesheet', 'template', 'sidebars_widgets',
		'default_comment_status', 'comment_registration', 'require_name_email', 'close_comments_for_old_posts',
		'close_comments_days_old', 'thread_comments', 'thread_comments_depth', 'page_comments', 'comments_per_page',
		'default_comments_page', 'comment_order', 'show_avatars', 'avatar_rating', 'avatar_default',
		'nav_menu_options', 'wp_page_for_privacy_policy', 'users_can_register',
	);
}

/** Post types that are not pages of their own but appear on every page (site editor, block navigation, synced patterns). */
function lamphp_cdn_layout_post_types() {
	return array( 'wp_template', 'wp_template_part', 'wp_global_styles', 'wp_navigation', 'wp_block', 'custom_css' );
}

/** The pages that show a post: itself, the front page, feeds, its archives. */
function lamphp_cdn_add_post( $post ) {
	$post = get_post( $post );
	if ( ! $post || wp_is_post_revision( $post ) || wp_is_post_autosave( $post ) || ! is_post_type_viewable( $post->post_type ) ) {
		return;
	}
	// Only a published post has its own address; once unpublished, get_permalink() names `?p=<id>`
	// (the old address was added before the change, by pre_post_update).
	if ( 'publish' === $post->post_status ) {
		lamphp_cdn_add_url( get_permalink( $post ) );
	}
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

// Before an update of a published post (its old address, e.g. a changed slug, is stale too), a
// deletion, and trashing (which renames the post `<slug>__trashed` before the update).
foreach ( array( 'pre_post_update', 'before_delete_post', 'wp_trash_post' ) as $lamphp_cdn_hook ) {
	add_action(
		$lamphp_cdn_hook,
		function ( $post_id ) {
			$post = get_post( $post_id );
			if ( $post && 'publish' === $post->post_status ) {
				lamphp_cdn_add_post( $post );
			}
		}
	);
}

// Terms are assigned after the post is saved (the REST API and the block editor publish first,
// then set categories and tags): the archives of the terms a published post gained or lost.
add_action(
	'set_object_terms',
	function ( $object_id, $terms, $tt_ids, $taxonomy, $append, $old_tt_ids ) {
		$post = get_post( $object_id );
		$tax  = get_taxonomy( $taxonomy );
		if ( ! $post || 'publish' !== $post->post_status || ! $tax || ! $tax->public || ! is_post_type_viewable( $post->post_type ) ) {
			return;
		}
		$now    = array_map( 'intval', (array) $tt_ids );
		$before = array_map( 'intval', (array) $old_tt_ids );
		foreach ( array_merge( array_diff( $now, $before ), array_diff( $before, $now ) ) as $tt_id ) {
			$term = get_term_by( 'term_taxonomy_id', $tt_id, $taxonomy );
			$link = $term ? get_term_link( $term ) : null;
			if ( $link && ! is_wp_error( $link ) ) {
				lamphp_cdn_add_url( $link );
			}
		}
	},
	10,
	6
);

// Comments: only a comment visitors can see (approved before or after) changes a page.
function lamphp_cdn_add_comment( $comment ) {
	$comment = get_comment( $comment );
	if ( ! $comment ) {
		return;
	}
	$post = get_post( (int) $comment->comment_post_ID );
	if ( ! $post || 'publish' !== $post->post_status ) {
		return;
	}
	lamphp_cdn_add_post( $post );
	$link = get_permalink( $post );
	if ( $link && false === strpos( $link, '?' ) ) {
		// The post with its comment pages (`comment-page-2/`) and reply links (`?replytocom=`).
		lamphp_cdn_add_url( $link );
		$GLOBALS['lamphp_cdn_paths'][ wp_parse_url( $link, PHP_URL_PATH ) . '*' ] = true;
	}
	lamphp_cdn_add_url( get_post_comments_feed_link( $post->ID ) );
	lamphp_cdn_add_url( get_feed_link( 'comments_' . get_default_feed() ) );
}

add_action(
	'transition_comment_status',
	function ( $new_status, $old_status, $comment ) {
		if ( 'approved' === $new_status || 'approved' === $old_status ) {
			lamphp_cdn_add_comment( $comment );
		}
	},
	10,
	3
);

// A new comment approved at once (an editor's, or a known commenter's) never transitions.
add_action(
	'comment_post',
	function ( $comment_id, $approved ) {
		if ( 1 === $approved || '1' === $approved ) {
			lamphp_cdn_add_comment( $comment_id );
		}
	},
	10,
	2
);

add_action(
	'edit_comment',
	function ( $comment_id ) {
		if ( 'approved' === wp_get_comment_status( $comment_id ) ) {
			lamphp_cdn_add_comment( $comment_id );
		}
	}
);

// What shows on every page.
// (A new, empty menu shows nowhere until it has items or a location: no invalidation.)
foreach ( array( 'wp_update_nav_menu', 'wp_delete_nav_menu', 'wp_add_nav_menu_item', 'wp_update_nav_menu_item', 'switch_theme', 'customize_save_after' ) as $lamphp_cdn_hook ) {
	add_action( $lamphp_cdn_hook, 'lamphp_cdn_add_all' );
}
unset( $lamphp_cdn_hook );

// A menu item is a post of type nav_menu_item: deleting one fires no menu hook.
add_action(
	'before_delete_post',
	function ( $post_id ) {
		$type = get_post_type( $post_id );
		if ( 'nav_menu_item' === $type || in_array( $type, lamphp_cdn_layout_post_types(), true ) ) {
			lamphp_cdn_add_all();
		}
	}
);

add_action(
	'save_post',
	function ( $post_id, $post, $update ) {
		if ( ! $post || ! in_array( $post->post_type, lamphp_cdn_layout_post_types(), true ) || wp_is_post_revision( $post ) || wp_is_post_autosave( $post ) || ! lamphp_cdn_is_edit() ) {
			return;
		}
		// WordPress creates a theme's (empty) user global styles the first time anything asks for them.
		if ( ! $update && 'wp_global_styles' === $post->post_type ) {
			$data = json_decode( $post->post_content, true );
			if ( is_array( $data ) && array() === array_diff_key( $data, array( 'version' => true, 'isGlobalStylesUserThemeJSON' => true ) ) ) {
				return;
			}
		}
		lamphp_cdn_add_all();
	},
	10,
	3
);

/**
 * Whether this request is someone changing the site (a form, the REST API, Ajax, cron, the
 * console) rather than reading it: rendering a page or answering a GET may create data lazily
 * (a block theme's fallback navigation, the user's global styles post, empty theme mods) without
 * changing what visitors see, and a page view must never empty the cache.
 */
function lamphp_cdn_is_edit() {
	$method = isset( $_SERVER['REQUEST_METHOD'] ) ? strtoupper( $_SERVER['REQUEST_METHOD'] ) : 'GET';
	return ( 'GET' !== $method && 'HEAD' !== $method ) || wp_doing_cron() || 'cli' === PHP_SAPI;
}

/** Theme mods without `custom_css_post_id => -1`, which WordPress stores lazily to remember there is no custom CSS. */
function lamphp_cdn_visible_mods( $mods ) {
	if ( ! is_array( $mods ) ) {
		return array();
	}
	if ( isset( $mods['custom_css_post_id'] ) && -1 === (int) $mods['custom_css_post_id'] ) {
		unset( $mods['custom_css_post_id'] );
	}
	return $mods;
}

/** A widget option holding no widget (WordPress adds `array( '_multiwidget' => 1 )` for each widget type on first use). */
function lamphp_cdn_no_widgets( $value ) {
	return ! is_array( $value ) || array() === array_diff_key( $value, array( '_multiwidget' => true ) );
}

/** Widgets (`widget_*`), theme mods (`theme_mods_*`) and the listed site options: hooked to added_, updated_ and deleted_option. */
function lamphp_cdn_option_changed( $option, $value = null, $new_value = null ) {
	if ( ! lamphp_cdn_is_edit() ) {
		return;
	}
	$action = current_action();
	$before = 'updated_option' === $action ? $value : null;
	$after  = 'updated_option' === $action ? $new_value : $value;
	if ( 0 === strpos( $option, 'widget_' ) ) {
		if ( 'deleted_option' === $action || ! lamphp_cdn_no_widgets( $before ) || ! lamphp_cdn_no_widgets( $after ) ) {
			lamphp_cdn_add_all();
		}
	} elseif ( 0 === strpos( $option, 'theme_mods_' ) ) {
		if ( 'deleted_option' === $action || lamphp_cdn_visible_mods( $before ) != lamphp_cdn_visible_mods( $after ) ) { // phpcs:ignore Universal.Operators.StrictComparisons -- arrays compared by content
			lamphp_cdn_add_all();
		}
	} elseif ( in_array( $option, lamphp_cdn_site_options(), true ) ) {
		lamphp_cdn_add_all();
	}
}
add_action( 'updated_option', 'lamphp_cdn_option_changed', 10, 3 );
add_action( 'added_option', 'lamphp_cdn_option_changed', 10, 2 );
add_action( 'deleted_option', 'lamphp_cdn_option_changed' );

// A renamed or deleted category or tag appears on every post that has it.
function lamphp_cdn_term_changed( $term_id, $tt_id, $taxonomy ) {
	$tax = get_taxonomy( $taxonomy );
	if ( $tax && $tax->public ) {
		lamphp_cdn_add_all();
	}
}
add_action( 'edited_term', 'lamphp_cdn_term_changed', 10, 3 );
add_action( 'delete_term', 'lamphp_cdn_term_changed', 10, 3 );

// An author's public name or address shows on their posts and archive.
add_action(
	'profile_update',
	function ( $user_id, $old ) {
		$user = get_userdata( $user_id );
		if ( ! $user || ! $old || count_user_posts( $user_id ) < 1 ) {
			return;
		}
		foreach ( array( 'display_name', 'user_nicename', 'user_url' ) as $field ) {
			if ( $user->$field !== $old->$field ) {
				lamphp_cdn_add_all();
				return;
			}
		}
	},
	10,
	2
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
