<?php
/**
 * Database drop-in for a benchmark copy of a site (bench/php-versions/sqlite-split.ts): the
 * site's own database layer, with every wpdb query timed, and on SQLite the time SQLite itself
 * spends (preparing, executing, fetching rows) timed apart from the integration's PHP work
 * (parsing MySQL, translating, emulating results). One JSON line per request at shutdown.
 */
final class Lamphp_Split {
	public static $started_ns = 0;
	public static $connect_ns = 0;
	public static $db_ns = 0;
	public static $queries = 0;
	public static $depth = 0;
	public static $sqlite_ns = 0;
	public static $statements = 0;
	public static $prepare_started = 0;

	public static function timed( callable $run ) {
		if ( self::$depth++ > 0 ) {
			try {
				return $run();
			} finally {
				--self::$depth;
			}
		}
		$t = hrtime( true );
		try {
			return $run();
		} finally {
			self::$db_ns += hrtime( true ) - $t;
			++self::$queries;
			--self::$depth;
		}
	}
}
Lamphp_Split::$started_ns = hrtime( true );

$lamphp_sqlite = __DIR__ . '/plugins/sqlite-database-integration';
if ( file_exists( __DIR__ . '/db.lamphp-original.php' ) ) {
	// What the plugin's drop-in does, with a timed subclass in place of WP_SQLite_DB.
	define( 'SQLITE_DB_DROPIN_VERSION', '{SQLITE_DB_DROPIN_VERSION}' );
	define( 'DATABASE_TYPE', 'sqlite' );
	define( 'DB_ENGINE', 'sqlite' );
	require_once $lamphp_sqlite . '/wp-includes/database/version.php';
	require_once $lamphp_sqlite . '/constants.php';
	require_once $lamphp_sqlite . '/wp-includes/database/load.php';
	require_once $lamphp_sqlite . '/wp-includes/sqlite/class-wp-sqlite-db.php';
	require_once $lamphp_sqlite . '/wp-includes/sqlite/install-functions.php';

	final class Lamphp_Split_Statement extends PDOStatement {
		protected function __construct() {
			Lamphp_Split::$sqlite_ns += hrtime( true ) - Lamphp_Split::$prepare_started;
			++Lamphp_Split::$statements;
		}
		public function execute( ?array $params = null ): bool {
			$t = hrtime( true );
			try {
				return parent::execute( $params );
			} finally {
				Lamphp_Split::$sqlite_ns += hrtime( true ) - $t;
			}
		}
		public function fetch( int $mode = PDO::FETCH_DEFAULT, int $cursorOrientation = PDO::FETCH_ORI_NEXT, int $cursorOffset = 0 ): mixed {
			$t = hrtime( true );
			try {
				return parent::fetch( $mode, $cursorOrientation, $cursorOffset );
			} finally {
				Lamphp_Split::$sqlite_ns += hrtime( true ) - $t;
			}
		}
		public function fetchAll( int $mode = PDO::FETCH_DEFAULT, mixed ...$args ): array {
			$t = hrtime( true );
			try {
				return parent::fetchAll( $mode, ...$args );
			} finally {
				Lamphp_Split::$sqlite_ns += hrtime( true ) - $t;
			}
		}
		public function fetchColumn( int $column = 0 ): mixed {
			$t = hrtime( true );
			try {
				return parent::fetchColumn( $column );
			} finally {
				Lamphp_Split::$sqlite_ns += hrtime( true ) - $t;
			}
		}
	}

	final class Lamphp_Split_DB extends WP_SQLite_DB {
		public function query( $query ) {
			return Lamphp_Split::timed( fn() => parent::query( $query ) );
		}

		/**
		 * With LAMPHP_BENCH_PERSISTENT: the plugin's own connection steps, with the driver's
		 * PDO::ATTR_PERSISTENT option (which WP_SQLite_DB does not pass), so the SQLite handle
		 * and its page cache outlive the request inside one PHP runtime.
		 */
		public function db_connect( $allow_bail = true ) {
			if ( ! defined( 'LAMPHP_BENCH_PERSISTENT' ) || $this->dbh ) {
				return parent::db_connect( $allow_bail );
			}
			if ( ! isset( $this->charset ) ) {
				$this->init_charset();
			}
			$dbh = new WP_MySQL_On_SQLite(
				sprintf( 'mysql-on-sqlite:path=%s;dbname=%s', str_replace( ';', ';;', FQDB ), str_replace( ';', ';;', $this->dbname ) ),
				null,
				null,
				array(
					'sqlite_journal_mode' => defined( 'SQLITE_JOURNAL_MODE' ) ? SQLITE_JOURNAL_MODE : null,
					PDO::ATTR_PERSISTENT  => true,
				)
			);
			$dbh->setAttribute( PDO::ATTR_STRINGIFY_FETCHES, true );
			$this->dbh           = $dbh;
			$this->has_connected = true;
			$this->set_charset( $this->dbh );
			$this->ready = true;
			$this->set_sql_mode();
			return true;
		}
	}

	$lamphp_t = hrtime( true );
	$GLOBALS['wpdb'] = new Lamphp_Split_DB( defined( 'DB_NAME' ) ? DB_NAME : '' );
	Lamphp_Split::$connect_ns = hrtime( true ) - $lamphp_t;
	if ( ! defined( 'LAMPHP_BENCH_PERSISTENT' ) ) {
		// A persistent PDO refuses a statement class: SQLite's own time is not split out then.
		$lamphp_connection = $GLOBALS['wpdb']->get_driver()->get_connection();
		$lamphp_connection->get_pdo()->setAttribute( PDO::ATTR_STATEMENT_CLASS, array( 'Lamphp_Split_Statement' ) );
		$lamphp_connection->set_query_logger(
			static function () {
				Lamphp_Split::$prepare_started = hrtime( true );
			}
		);
		unset( $lamphp_connection );
	}
	unset( $lamphp_t );
} else {
	final class Lamphp_Split_DB extends wpdb {
		public function query( $query ) {
			return Lamphp_Split::timed( fn() => parent::query( $query ) );
		}
	}
	$lamphp_t = hrtime( true );
	$GLOBALS['wpdb'] = new Lamphp_Split_DB( DB_USER, DB_PASSWORD, DB_NAME, DB_HOST );
	Lamphp_Split::$connect_ns = hrtime( true ) - $lamphp_t;
	unset( $lamphp_t );
}
unset( $lamphp_sqlite );

register_shutdown_function(
	static function () {
		$ms   = static fn( $ns ) => round( $ns / 1e6, 3 );
		$line = array(
			'uri'        => $_SERVER['REQUEST_URI'] ?? '',
			'phpMs'      => $ms( hrtime( true ) - Lamphp_Split::$started_ns ),
			'connectMs'  => $ms( Lamphp_Split::$connect_ns ),
			'queries'    => Lamphp_Split::$queries,
			'dbMs'       => $ms( Lamphp_Split::$db_ns ),
			'statements' => Lamphp_Split::$statements,
			'sqliteMs'   => $ms( Lamphp_Split::$sqlite_ns ),
		);
		file_put_contents( __DIR__ . '/lamphp-split.jsonl', json_encode( $line ) . "\n", FILE_APPEND );
	}
);
