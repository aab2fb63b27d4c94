<?php
/**
 * mediawiki-setup.php: run by start-mediawiki (php CLI, uid 33) at every start of the app container,
 * before php-fpm. The same on ECS and locally: it needs nothing but the database the task reaches.
 *
 * Under a PostgreSQL advisory lock (two tasks starting at once against an empty database: one
 * installs, the other waits and then finds it installed):
 * 1. the wiki's keys, in the table secure_ecs_mediawiki: made on the very first start (random),
 *    read on every later one, so every task and every replacement shares them ($wgSecretKey signs
 *    sessions and tokens);
 * 2. an empty database gets MediaWiki's schema (maintenance/install.php, which writes a
 *    LocalSettings.php into /tmp that is thrown away: the image's own is read-only); a database of an
 *    older MediaWiki gets update.php; a current one nothing (the version is recorded).
 * It prints MW_SECRET_KEY=... and MW_UPGRADE_KEY=... on stdout, for start-mediawiki only; everything
 * else goes to stderr, and no secret is ever in an argument list or a log.
 */

const MW_DIR = '/srv/app/mediawiki';
const STATE_TABLE = 'secure_ecs_mediawiki';
const ADMIN_NAME = 'Admin';
const CONNECT_DEADLINE_SECONDS = 60;

function fail( string $message ): never {
	fwrite( STDERR, "mediawiki-setup: $message\n" );
	exit( 1 );
}

function env( string $name ): string {
	$value = getenv( $name );
	if ( !is_string( $value ) || $value === '' ) {
		fail( "$name is not set (the task definition's database contract: containers/app/README.md \"Database\")" );
	}
	return $value;
}

/** libpq's connection string: each value single-quoted, as DatabasePostgres::makeConnectionString does. */
function conninfo( array $vars ): string {
	$parts = [];
	foreach ( $vars as $name => $value ) {
		$parts[] = $name . "='" . str_replace( [ '\\', "'" ], [ '\\\\', "\\'" ], (string)$value ) . "'";
	}
	return implode( ' ', $parts );
}

/** The database over TLS, the server verified (the same settings php-fpm's workers get from libpq's environment). */
function connect(): PgSql\Connection {
	$info = conninfo( [
		'host' => env( 'DB_HOST' ),
		'port' => env( 'DB_PORT' ),
		'dbname' => env( 'DB_NAME' ),
		'user' => env( 'DB_USER' ),
		'password' => env( 'DB_PASSWORD' ),
		'sslmode' => 'verify-full',
		'sslrootcert' => env( 'DB_TLS_CA_FILE' ),
		'connect_timeout' => '10',
		'application_name' => 'mediawiki-setup',
	] );
	$deadline = time() + CONNECT_DEADLINE_SECONDS;
	while ( true ) {
		$conn = @pg_connect( $info, PGSQL_CONNECT_FORCE_NEW );
		if ( $conn !== false ) {
			return $conn;
		}
		$error = error_get_last()['message'] ?? 'unknown error';
		if ( time() >= $deadline ) {
			fail( 'cannot reach the database within ' . CONNECT_DEADLINE_SECONDS . " s: $error" );
		}
		fwrite( STDERR, "mediawiki-setup: waiting for the database ($error)\n" );
		sleep( 2 );
	}
}

function query( PgSql\Connection $conn, string $sql, array $params = [] ): PgSql\Result {
	$result = @pg_query_params( $conn, $sql, $params );
	if ( $result === false ) {
		fail( 'query failed: ' . pg_last_error( $conn ) );
	}
	return $result;
}

/** A file in /tmp readable only by this user, for install.php's --passfile/--dbpassfile. */
function secretFile( string $value ): string {
	$file = tempnam( '/tmp', 'mediawiki-setup-' );
	if ( $file === false || !chmod( $file, 0600 ) || file_put_contents( $file, $value ) === false ) {
		fail( 'cannot write a temporary file in /tmp' );
	}
	return $file;
}

/** Run a maintenance script with its output on our stderr (stdout is start-mediawiki's), with `env` added to ours. */
function maintenance( array $args, array $env = [] ): void {
	$command = array_merge( [ PHP_BINARY, MW_DIR . '/maintenance/run.php' ], $args );
	$process = proc_open( $command, [ 0 => [ 'file', '/dev/null', 'r' ], 1 => STDERR, 2 => STDERR ], $pipes, null, array_merge( getenv(), $env ) );
	if ( !is_resource( $process ) || proc_close( $process ) !== 0 ) {
		fail( 'maintenance/run.php ' . $args[0] . ' failed (its output is above)' );
	}
}

function mediawikiVersion(): string {
	if ( !preg_match( "/define\\( 'MW_VERSION', '([^']+)' \\)/", (string)file_get_contents( MW_DIR . '/includes/Defines.php' ), $m ) ) {
		fail( 'cannot read MW_VERSION from ' . MW_DIR . '/includes/Defines.php' );
	}
	return $m[1];
}

$conn = connect();
query( $conn, "SELECT pg_advisory_lock(hashtext('secure-ecs-mediawiki-setup'))" );
query( $conn, 'CREATE TABLE IF NOT EXISTS ' . STATE_TABLE . ' (name text PRIMARY KEY, value text NOT NULL)' );
$made = [
	'secret_key' => bin2hex( random_bytes( 32 ) ),
	'upgrade_key' => bin2hex( random_bytes( 8 ) ),
	// The installed administrator's password: whoever holds the database login owns the wiki
	// anyway; read it with SELECT value FROM secure_ecs_mediawiki WHERE name = 'admin_password'.
	'admin_password' => bin2hex( random_bytes( 16 ) ),
];
foreach ( $made as $name => $value ) {
	query( $conn, 'INSERT INTO ' . STATE_TABLE . ' (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [ $name, $value ] );
}
$state = [];
foreach ( pg_fetch_all( query( $conn, 'SELECT name, value FROM ' . STATE_TABLE ) ) ?: [] as $row ) {
	$state[$row['name']] = $row['value'];
}

// The environment of the maintenance scripts: LocalSettings.php reads the keys from it.
putenv( 'MW_SECRET_KEY=' . $state['secret_key'] );
putenv( 'MW_UPGRADE_KEY=' . $state['upgrade_key'] );

$version = mediawikiVersion();
$schemaPresent = pg_fetch_result( query( $conn, "SELECT to_regclass('mediawiki.page') IS NOT NULL" ), 0, 0 ) === 't';
if ( !$schemaPresent ) {
	fwrite( STDERR, "mediawiki-setup: empty database: installing MediaWiki $version's schema\n" );
	$confDir = '/tmp/mediawiki-install';
	@mkdir( $confDir, 0700 );
	$passFile = secretFile( $state['admin_password'] );
	$dbPassFile = secretFile( env( 'DB_PASSWORD' ) );
	try {
		maintenance( [
			'install', '--dbtype=postgres', '--dbserver=' . env( 'DB_HOST' ), '--dbport=' . env( 'DB_PORT' ),
			'--dbname=' . env( 'DB_NAME' ), '--dbschema=mediawiki', '--dbuser=' . env( 'DB_USER' ),
			"--dbpassfile=$dbPassFile", "--passfile=$passFile", '--scriptpath=', '--server=http://localhost',
			'--lang=en', '--skins=Vector', "--confpath=$confDir", 'Secure ECS Wiki', ADMIN_NAME,
			// install.php refuses to run where a LocalSettings.php exists (CliInstaller::execute): it
			// looks for the one MW_CONFIG_FILE names (wfDetectLocalSettingsFile), which is not there.
		], [ 'MW_CONFIG_FILE' => "$confDir/LocalSettings.php" ] );
	} finally {
		@unlink( $passFile );
		@unlink( $dbPassFile );
		@unlink( "$confDir/LocalSettings.php" );
	}
} elseif ( ( $state['schema_version'] ?? '' ) !== $version ) {
	fwrite( STDERR, "mediawiki-setup: schema of MediaWiki " . ( $state['schema_version'] ?? 'unknown' ) . ": running update.php for $version\n" );
	maintenance( [ 'update', '--quick' ] );
}
query( $conn, 'INSERT INTO ' . STATE_TABLE . " (name, value) VALUES ('schema_version', $1) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", [ $version ] );
query( $conn, "SELECT pg_advisory_unlock(hashtext('secure-ecs-mediawiki-setup'))" );
pg_close( $conn );

echo 'MW_SECRET_KEY=' . $state['secret_key'] . "\n";
echo 'MW_UPGRADE_KEY=' . $state['upgrade_key'] . "\n";
