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

/*
 * Direct uploads (files larger than the front door): the browser asks for a presigned URL,
 * PUTs the file straight to S3, then asks WordPress to make the attachment. The bridge signs
 * the URL and fetches the object into the uploads directory; nothing large passes through the
 * front door. Needs the bucket to allow the site's origin (CORS) for browsers.
 *
 *   POST /wp-json/lamphp/v1/direct-uploads            {name, type, size} → {token, url, method, headers}
 *   POST /wp-json/lamphp/v1/direct-uploads/<token>    → the attachment, as the media library sees it
 */
function lamphp_uploads_ask_bridge( array $message ) {
	if ( ! function_exists( 'post_message_to_js' ) ) {
		return new WP_Error( 'lamphp_no_bridge', __( 'Direct uploads need lamphp with an uploads bucket.' ), array( 'status' => 501 ) );
	}
	$reply = json_decode( (string) post_message_to_js( wp_json_encode( $message ) ), true );
	if ( ! is_array( $reply ) ) {
		return new WP_Error( 'lamphp_no_bridge', __( 'Direct uploads need lamphp with an uploads bucket.' ), array( 'status' => 501 ) );
	}
	if ( empty( $reply['ok'] ) ) {
		$error = isset( $reply['error'] ) ? (string) $reply['error'] : __( 'The upload could not be completed.' );
		return new WP_Error( 'lamphp_direct_upload', $error, array( 'status' => 400 ) );
	}
	return $reply;
}

add_action(
	'rest_api_init',
	function () {
		register_rest_route(
			'lamphp/v1',
			'/direct-uploads',
			array(
				'methods'             => 'POST',
				'permission_callback' => function () {
					return current_user_can( 'upload_files' );
				},
				'args'                => array(
					'name' => array( 'type' => 'string', 'required' => true ),
					'type' => array( 'type' => 'string', 'required' => false ),
					'size' => array( 'type' => 'integer', 'required' => true, 'minimum' => 1 ),
				),
				'callback'            => function ( WP_REST_Request $request ) {
					$name  = sanitize_file_name( $request['name'] );
					$check = wp_check_filetype( $name );
					if ( empty( $check['type'] ) || ( ! empty( $request['type'] ) && $request['type'] !== $check['type'] ) ) {
						return new WP_Error( 'lamphp_direct_type', __( 'Sorry, you are not allowed to upload this file type.' ), array( 'status' => 400 ) );
					}
					/** Largest direct upload in bytes (default 1 GB). */
					$max = (int) apply_filters( 'lamphp_direct_upload_max_bytes', 1024 * 1024 * 1024 );
					if ( (int) $request['size'] > $max ) {
						return new WP_Error( 'lamphp_direct_size', sprintf( __( 'This file is larger than %s.' ), size_format( $max ) ), array( 'status' => 400 ) );
					}
					$reply = lamphp_uploads_ask_bridge(
						array(
							'lamphp' => 'uploads.presign',
							'name'   => $name,
							'type'   => $check['type'],
							'size'   => (int) $request['size'],
						)
					);
					if ( is_wp_error( $reply ) ) {
						return $reply;
					}
					set_transient(
						'lamphp_direct_' . $reply['token'],
						array(
							'name' => $name,
							'type' => $check['type'],
							'user' => get_current_user_id(),
						),
						HOUR_IN_SECONDS
					);
					return array(
						'token'   => $reply['token'],
						'url'     => $reply['url'],
						'method'  => $reply['method'],
						'headers' => $reply['headers'],
					);
				},
			)
		);
		register_rest_route(
			'lamphp/v1',
			'/direct-uploads/(?P<token>[0-9a-f]{32})',
			array(
				'methods'             => 'POST',
				'permission_callback' => function () {
					return current_user_can( 'upload_files' );
				},
				'callback'            => function ( WP_REST_Request $request ) {
					$pending = get_transient( 'lamphp_direct_' . $request['token'] );
					if ( ! is_array( $pending ) || (int) $pending['user'] !== get_current_user_id() ) {
						return new WP_Error( 'lamphp_direct_unknown', __( 'Unknown upload.' ), array( 'status' => 404 ) );
					}
					$dirs = wp_upload_dir();
					if ( ! empty( $dirs['error'] ) ) {
						return new WP_Error( 'lamphp_direct_dir', $dirs['error'], array( 'status' => 500 ) );
					}
					$filename = wp_unique_filename( $dirs['path'], $pending['name'] );
					$reply    = lamphp_uploads_ask_bridge(
						array(
							'lamphp' => 'uploads.fetch',
							'token'  => $request['token'],
							'name'   => $pending['name'],
							'path'   => ltrim( $dirs['subdir'] . '/' . $filename, '/' ),
						)
					);
					if ( is_wp_error( $reply ) ) {
						return $reply;
					}
					delete_transient( 'lamphp_direct_' . $request['token'] );
					$file = $dirs['path'] . '/' . $filename;
					$id   = wp_insert_attachment(
						array(
							'post_mime_type' => $pending['type'],
							'post_title'     => preg_replace( '/\.[^.]+$/', '', wp_basename( $filename ) ),
							'post_content'   => '',
							'post_status'    => 'inherit',
							'guid'           => $dirs['url'] . '/' . $filename,
						),
						$file,
						0,
						true
					);
					if ( is_wp_error( $id ) ) {
						return $id;
					}
					require_once ABSPATH . 'wp-admin/includes/file.php';
					require_once ABSPATH . 'wp-admin/includes/image.php';
					require_once ABSPATH . 'wp-admin/includes/media.php';
					wp_update_attachment_metadata( $id, wp_generate_attachment_metadata( $id, $file ) );
					return wp_prepare_attachment_for_js( $id );
				},
			)
		);
	}
);
