<?php
// Hands $_GET['n'] messages (or CDN invalidation messages) to the host and reports how long
// each hand-over took inside PHP: what a request pays before its own code goes on.
$n    = isset( $_GET['n'] ) ? (int) $_GET['n'] : 10;
$kind = isset( $_GET['kind'] ) ? $_GET['kind'] : 'mail';
$body = str_repeat( "Someone has requested a password reset for the following account.\r\n", 12 );
$headers = "From: WordPress <wordpress@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8";
$times = array();
$ok    = 0;
for ( $i = 0; $i < $n; $i++ ) {
	$t = hrtime( true );
	if ( 'job' === $kind ) {
		$r = post_message_to_js( json_encode( array( 'lamphp' => 'cdn-invalidate', 'paths' => array( '/', "/post-$i/", '/feed/' ) ) ) );
		$ok += false !== strpos( $r, '"ok":true' ) ? 1 : 0;
	} else {
		$ok += mail( 'admin@example.com', "[Site] Password Reset $i", $body, $headers ) ? 1 : 0;
	}
	$times[] = ( hrtime( true ) - $t ) / 1e6;
}
header( 'Content-Type: application/json' );
echo json_encode( array( 'ok' => $ok, 'ms' => $times ) );
