<?php
/**
 * MediaWiki's configuration for the hardened task (examples/mediawiki). Read-only in the image: every
 * value that differs between deployments comes from the environment, which php-fpm's pool passes
 * through (php/pool.conf) and start-mediawiki sets for the command-line scripts.
 *
 * - The database: the task definition's contract (containers/app/README.md "Database"), PostgreSQL
 *   over TLS with the server verified (PGSSLMODE=verify-full below, the CA bundle DB_TLS_CA_FILE).
 * - $wgSecretKey and $wgUpgradeKey: generated once and kept in the database (mediawiki-setup.php),
 *   so every task of the service and every replacement of a task has the same ones.
 * - Sessions, the main object cache and the parser cache: in the database (CACHE_DB), shared by
 *   the tasks, so a login survives a task replacement.
 */
if ( !defined( 'MEDIAWIKI' ) ) {
	exit;
}

/** An environment variable that must be set (fail closed: never a default secret or server). */
$secureEcsEnv = static function ( string $name ): string {
	$value = getenv( $name );
	if ( !is_string( $value ) || $value === '' ) {
		throw new RuntimeException( "LocalSettings.php: the environment variable $name is not set (examples/mediawiki/README)" );
	}
	return $value;
};

$wgSitename = 'Secure ECS Wiki';
$wgMetaNamespace = 'Project';
$wgLanguageCode = 'en';

// The URL the browser used (behind the proxy, HTTPS when the ALB says so: the proxy's
// fastcgi_param HTTPS). A fork with a fixed domain sets it: $wgServer = 'https://wiki.example.org';
$wgServer = \MediaWiki\Request\WebRequest::detectServer();
$wgScriptPath = '';
$wgResourceBasePath = $wgScriptPath;
$wgArticlePath = "$wgScriptPath/index.php/$1";

// --- database: PostgreSQL (database.engine "postgres") ------------------------------------------
$wgDBtype = 'postgres';
$wgDBserver = $secureEcsEnv( 'DB_HOST' );
$wgDBport = (int)$secureEcsEnv( 'DB_PORT' );
$wgDBname = $secureEcsEnv( 'DB_NAME' );
$wgDBuser = $secureEcsEnv( 'DB_USER' );
$wgDBpassword = $secureEcsEnv( 'DB_PASSWORD' );
$wgDBmwschema = 'mediawiki';
// $wgDBssl would add sslmode=require to the connection string (DatabasePostgres::open), which
// encrypts but verifies nothing, and would override libpq's PGSSLMODE. Left off, the string has
// no sslmode and libpq takes PGSSLMODE=verify-full and PGSSLROOTCERT (the CA bundle) from the
// environment: TLS, the certificate checked against the CA and the host name
// (https://www.postgresql.org/docs/current/libpq-envars.html).
$wgDBssl = false;
if ( getenv( 'PGSSLMODE' ) !== 'verify-full' || getenv( 'PGSSLROOTCERT' ) !== $secureEcsEnv( 'DB_TLS_CA_FILE' ) ) {
	throw new RuntimeException( 'LocalSettings.php: PGSSLMODE must be verify-full and PGSSLROOTCERT the DB_TLS_CA_FILE (php/pool.conf)' );
}

// --- keys, kept in the database by mediawiki-setup.php and handed over by start-mediawiki --------
$wgSecretKey = $secureEcsEnv( 'MW_SECRET_KEY' );
$wgUpgradeKey = $secureEcsEnv( 'MW_UPGRADE_KEY' );
$wgAuthenticationTokenVersion = '1';

// --- caches: the database, shared by every task; nothing on the read-only disk -------------------
$wgMainCacheType = CACHE_DB;
$wgSessionCacheType = CACHE_DB;
$wgParserCacheType = CACHE_DB;
$wgMessageCacheType = CACHE_DB;
$wgCacheDirectory = false;
// The interface messages, built into the image (Dockerfile: rebuildLocalisationCache --lang en)
// and never rebuilt at run time (the code cannot change); other languages fall back to English.
$wgLocalisationCacheConf['store'] = 'array';
$wgLocalisationCacheConf['storeDirectory'] = '/srv/app/mediawiki/cache/l10n';
$wgLocalisationCacheConf['manualRecache'] = true;

// --- uploads: the persistent path /srv/app/images (settings.json), outside the public folder ----
// Served by img_auth.php (as data, with MediaWiki's permission checks), never by a URL under the
// public folder, so nothing uploaded is ever run as a script.
$wgEnableUploads = true;
$wgUploadDirectory = '/srv/app/images';
$wgUploadPath = "$wgScriptPath/img_auth.php";
$wgMaxUploadSize = 1024 * 1024;
$wgUseImageMagick = false;
$wgGenerateThumbnailOnParse = false;

// --- the hardened runtime: no shell, no mail, no outbound requests --------------------------------
// php/hardening.ini disables proc_open and exec, so MediaWiki's Shell is off (Shell::isDisabled).
$wgEnableEmail = false;
$wgEnableUserEmail = false;
$wgPingback = false;
$wgUseInstantCommons = false;
$wgAllowExternalImages = false;
$wgMemoryLimit = '96M';
// The proxy (same task, 127.0.0.1) passes the real client address as REMOTE_ADDR (nginx realip).
$wgUsePrivateIPs = false;

// Reading is public; editing needs an account.
$wgGroupPermissions['*']['edit'] = false;
$wgGroupPermissions['*']['createpage'] = false;

wfLoadSkin( 'Vector' );
$wgDefaultSkin = 'vector-2022';
