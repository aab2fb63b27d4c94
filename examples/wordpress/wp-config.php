<?php
/**
 * WordPress configuration for the hardened task: everything from the task definition's environment,
 * nothing secret in this file or the image. wp-load.php finds it one level above the public folder
 * (/srv/app/wp-config.php), so neither image serves it and the proxy never passes it to PHP.
 *
 * The database: DB_HOST, DB_PORT, DB_NAME from the environment, DB_USER and DB_PASSWORD from
 * Secrets Manager as ECS secrets (locally the runner's generated credentials); php-fpm passes them
 * to the workers (php/pool.conf). TLS only: MYSQLI_CLIENT_SSL makes wpdb's mysqli_real_connect
 * (wp-includes/class-wpdb.php, db_connect) start TLS, and mysqlnd verifies the server's certificate
 * and name against openssl.cafile, which php/hardening.ini sets to DB_TLS_CA_FILE. The server
 * refuses plain connections anyway (RDS: require_secure_transport; the local stand-in likewise).
 */

define('DB_NAME', getenv('DB_NAME'));
define('DB_USER', getenv('DB_USER'));
define('DB_PASSWORD', getenv('DB_PASSWORD'));
define('DB_HOST', getenv('DB_HOST') . ':' . getenv('DB_PORT'));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('MYSQL_CLIENT_FLAGS', MYSQLI_CLIENT_SSL);
$table_prefix = 'wp_';

/*
 * No AUTH_KEY, SECURE_AUTH_KEY, ... constants on purpose: with none defined, wp_salt()
 * (wp-includes/pluggable.php) generates each salt once and keeps it in the database (get_site_option,
 * else wp_generate_password and update_site_option), so every task of the service, and the task
 * that replaces it, signs and checks login cookies with the same keys: logins survive a task
 * replacement. Keys generated per start would log everyone out at every deployment; keys in this
 * file would be in the image. The trade-off: whoever can read the database can forge login cookies
 * (they can read the password hashes and sessions there too).
 */

/*
 * HTTPS: the proxy tells PHP the request came over HTTPS (FastCGI param HTTPS=on) only when the ALB
 * said so (X-Forwarded-Proto from a trusted address, containers/proxy/nginx.conf.template); is_ssl()
 * reads exactly that. A client's own X-Forwarded-Proto header (HTTP_X_FORWARDED_PROTO here) is never
 * trusted, unlike Debian's stock wp-config.php. No FORCE_SSL_ADMIN: with a certificate the ALB
 * redirects every HTTP request to HTTPS already, and locally (and on an ALB without a certificate)
 * there is no HTTPS to force.
 */

// The code is read-only (root filesystem and image): no updates, no plugin or theme installs or
// edits from the admin; a new version is a new image (public-files pins it).
define('DISALLOW_FILE_MODS', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
// The task has no route to the internet: refuse outbound HTTP at once instead of waiting for a
// timeout (update checks, the dashboard's news, oEmbed).
define('WP_HTTP_BLOCK_EXTERNAL', true);
// WP-Cron calls the site over HTTP from inside PHP, which the task cannot reach; run
// /wp-cron.php on a schedule instead (README "Bring your own app").
define('DISABLE_WP_CRON', true);
define('WP_TEMP_DIR', '/tmp');
define('WP_MEMORY_LIMIT', '64M');
define('WP_MAX_MEMORY_LIMIT', '128M');
define('WP_DEBUG', false);

if (!defined('ABSPATH')) {
    define('ABSPATH', '/srv/app/public/');
}
require_once ABSPATH . 'wp-settings.php';
