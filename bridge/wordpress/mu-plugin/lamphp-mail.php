<?php
/**
 * Plugin Name: lamphp mail
 * Description: Shows in Site Health how this site's email leaves (or why it cannot). Installed by lamphp and rewritten when the site starts: change bridge/wordpress/mu-plugin/ in lamphp instead.
 * Version: 1
 *
 * wp_mail() needs nothing from this plugin: PHP's mail() hands every message to lamphp, which
 * delivers it as LAMPHP_MAIL_TRANSPORT says and makes mail() return false when it cannot. Here
 * WordPress only asks lamphp for that transport's status through post_message_to_js().
 */

defined( 'ABSPATH' ) || exit;

if ( ! function_exists( 'post_message_to_js' ) ) {
	return;
}

/** lamphp's answer: transport, ready, detail, and the forced sender when there is one. */
function lamphp_mail_status() {
	static $status = null;
	if ( null === $status ) {
		$reply  = json_decode( (string) post_message_to_js( wp_json_encode( array( 'lamphp' => 'mail-status' ) ) ), true );
		$status = is_array( $reply ) && isset( $reply['transport'] ) ? $reply : array(
			'transport' => 'unknown',
			'ready'     => false,
			'detail'    => 'lamphp did not answer: mail delivery is unknown.',
		);
	}
	return $status;
}

add_filter(
	'site_status_tests',
	function ( $tests ) {
		$tests['direct']['lamphp_mail'] = array(
			'label' => 'Email delivery',
			'test'  => function () {
				$status = lamphp_mail_status();
				$ready  = ! empty( $status['ready'] );
				return array(
					'label'       => $ready ? 'This site can send email' : 'This site cannot send email',
					'status'      => $ready ? 'good' : 'critical',
					'badge'       => array(
						'label' => 'Email',
						'color' => $ready ? 'blue' : 'red',
					),
					'description' => '<p>' . esc_html( $status['detail'] ) . '</p>',
					'actions'     => $ready ? '' : '<p>' . esc_html( 'Password resets, new-user notices and comment moderation emails fail until a transport is set (see lamphp\'s README: LAMPHP_MAIL_TRANSPORT).' ) . '</p>',
					'test'        => 'lamphp_mail',
				);
			},
		);
		return $tests;
	}
);

add_filter(
	'debug_information',
	function ( $info ) {
		$status              = lamphp_mail_status();
		$info['lamphp-mail'] = array(
			'label'  => 'lamphp mail',
			'fields' => array(
				'transport' => array(
					'label' => 'Transport (LAMPHP_MAIL_TRANSPORT)',
					'value' => $status['transport'],
				),
				'sender'    => array(
					'label' => 'Sender (LAMPHP_MAIL_FROM)',
					'value' => isset( $status['from'] ) ? $status['from'] : 'as WordPress sets it',
				),
				'detail'    => array(
					'label' => 'Delivery',
					'value' => $status['detail'],
				),
			),
		);
		return $info;
	}
);
