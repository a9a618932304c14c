<?php
/**
 * Plugin Name: lamphp uploads
 * Description: Serves media from the CDN when LAMPHP_UPLOADS_URL is set and states the upload limit of the site's front door. Installed by lamphp and rewritten when the site starts: change bridge/wordpress/mu-plugin/ in lamphp instead.
 * Version: 1
 *
 * lamphp itself copies every file PHP writes under the uploads directory to S3 (the bridge
 * watches the filesystem), so this plugin has no S3 code and holds no keys. Settings arrive in
 * $_SERVER from the bridge: LAMPHP_UPLOADS_DIR, LAMPHP_UPLOAD_MAX_BYTES, LAMPHP_UPLOADS_URL.
 */

defined( 'ABSPATH' ) || exit;

function lamphp_uploads_setting( $name ) {
	$value = isset( $_SERVER[ $name ] ) ? $_SERVER[ $name ] : getenv( $name );
	return is_string( $value ) && '' !== trim( $value ) ? trim( $value ) : null;
}

/*
 * Where uploads live: the directory lamphp watches and syncs (LAMPHP_UPLOADS_DIR, relative to
 * the document root). Only a non-default setting changes WordPress's own choice.
 */
$lamphp_uploads_dir = lamphp_uploads_setting( 'LAMPHP_UPLOADS_DIR' );
if ( null !== $lamphp_uploads_dir && 'wp-content/uploads' !== trim( $lamphp_uploads_dir, '/' ) && isset( $_SERVER['DOCUMENT_ROOT'] ) ) {
	add_filter(
		'upload_dir',
		function ( $dirs ) use ( $lamphp_uploads_dir ) {
			$rel             = trim( $lamphp_uploads_dir, '/' );
			$dirs['basedir'] = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' ) . '/' . $rel;
			$dirs['path']    = $dirs['basedir'] . $dirs['subdir'];
			$dirs['baseurl'] = home_url( '/' . $rel );
			$dirs['url']     = $dirs['baseurl'] . $dirs['subdir'];
			return $dirs;
		},
		5
	);
}

/*
 * Media URLs point at the CDN when LAMPHP_UPLOADS_URL is set: the uploads base URL (which
 * attachment URLs, image tags and srcset are built from) and, for content saved before, any
 * local uploads URL inside post content. Nothing changes without the setting (local default).
 */
$lamphp_uploads_url = lamphp_uploads_setting( 'LAMPHP_UPLOADS_URL' );
if ( null !== $lamphp_uploads_url ) {
	$lamphp_uploads_url = untrailingslashit( $lamphp_uploads_url );

	add_filter(
		'upload_dir',
		function ( $dirs ) use ( $lamphp_uploads_url ) {
			if ( empty( $dirs['error'] ) && $dirs['baseurl'] !== $lamphp_uploads_url ) {
				$GLOBALS['lamphp_local_uploads_url'] = $dirs['baseurl'];
				$dirs['baseurl']                     = $lamphp_uploads_url;
				$dirs['url']                         = $lamphp_uploads_url . $dirs['subdir'];
			}
			return $dirs;
		},
		99
	);

	$lamphp_cdn_content = function ( $html ) use ( $lamphp_uploads_url ) {
		if ( ! is_string( $html ) || '' === $html ) {
			return $html;
		}
		wp_get_upload_dir(); // records the local base URL
		$local = isset( $GLOBALS['lamphp_local_uploads_url'] ) ? $GLOBALS['lamphp_local_uploads_url'] : '';
		if ( '' === $local ) {
			return $html;
		}
		$variants = array_unique( array( set_url_scheme( $local, 'http' ), set_url_scheme( $local, 'https' ), set_url_scheme( $local, 'relative' ) ) );
		foreach ( $variants as $from ) {
			if ( '' === $from || '/' === $from ) {
				continue;
			}
			// Only whole URLs: the local base followed by a path separator or a quote.
			$html = preg_replace( '#(?<![\w/.-])' . preg_quote( $from, '#' ) . '(?=[/"\'\s])#', $lamphp_uploads_url, $html );
		}
		return $html;
	};
	foreach ( array( 'the_content', 'the_excerpt', 'widget_text_content', 'widget_block_content' ) as $lamphp_filter ) {
		add_filter( $lamphp_filter, $lamphp_cdn_content, 99 );
	}
	unset( $lamphp_filter );
}

/*
 * The real upload limit: what one request through the front door can carry (6 MB for API
 * Gateway and Function URLs, base64-encoded: about 4.5 MB of file; 1 MB for an ALB), as the
 * bridge computes it. WordPress states it on the media screens and its uploader refuses larger
 * files before sending them; a request that still brings one is refused with a clear error
 * before anything is written.
 */
$lamphp_upload_limit = (int) lamphp_uploads_setting( 'LAMPHP_UPLOAD_MAX_BYTES' );
if ( $lamphp_upload_limit > 0 ) {
	add_filter(
		'upload_size_limit',
		function ( $size ) use ( $lamphp_upload_limit ) {
			return $size > 0 ? min( (int) $size, $lamphp_upload_limit ) : $lamphp_upload_limit;
		},
		99
	);

	$lamphp_refuse_large = function ( $file ) use ( $lamphp_upload_limit ) {
		if ( is_array( $file ) && empty( $file['error'] ) && isset( $file['size'] ) && (int) $file['size'] > $lamphp_upload_limit ) {
			$file['error'] = sprintf(
				/* translators: 1: file name, 2: its size, 3: the largest size accepted */
				__( '&#8220;%1$s&#8221; is %2$s, larger than the %3$s this site accepts per upload (the limit of its front door). Make the file smaller and upload it again.' ),
				isset( $file['name'] ) ? esc_html( $file['name'] ) : '',
				size_format( (int) $file['size'] ),
				size_format( $lamphp_upload_limit )
			);
		}
		return $file;
	};
	add_filter( 'wp_handle_upload_prefilter', $lamphp_refuse_large, 1 );
	add_filter( 'wp_handle_sideload_prefilter', $lamphp_refuse_large, 1 );
}
unset( $lamphp_uploads_dir, $lamphp_uploads_url, $lamphp_upload_limit, $lamphp_cdn_content, $lamphp_refuse_large );
