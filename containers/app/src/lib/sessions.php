<?php

/**
 * Where this app keeps its PHP sessions: in the database when the task definition names one
 * (DB_ENGINE mariadb or postgres, containers/app/README.md "Database"), so they survive a task
 * replacement and every task shares them; otherwise PHP's files handler in the task's /tmp
 * (php/hardening.ini), lost with the task. Registered by the front controller on every request
 * (README "Sessions" says why there and not php.ini's auto_prepend_file); the connection is opened
 * only by a request that starts a session.
 *
 * Keep this file compatible with PHP 8.2 (the host's `php -l` in tests).
 */

declare(strict_types=1);

require_once __DIR__ . '/DatabaseSessionHandler.php';

/** Register the session store for this request; returns its name ("database" or "files"). */
function useSessionStore(): string
{
    $engine = (string) getenv('DB_ENGINE');
    if ($engine !== 'mariadb' && $engine !== 'postgres') {
        return 'files';
    }
    session_set_save_handler(new DatabaseSessionHandler(static fn (): PDO => connectDatabase($engine), $engine), true);
    return 'database';
}

/**
 * A connection to the app's database over TLS, the server verified against DB_TLS_CA_FILE (the RDS
 * CA bundle on AWS, the stand-in's local CA locally); the server refuses plain connections anyway.
 */
function connectDatabase(string $engine): PDO
{
    $host = (string) getenv('DB_HOST');
    $port = (string) getenv('DB_PORT');
    $name = (string) getenv('DB_NAME');
    $ca = (string) getenv('DB_TLS_CA_FILE');
    $options = [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_TIMEOUT => 5];
    if ($engine === 'postgres') {
        // verify-full: the chain and the host name (https://www.postgresql.org/docs/current/libpq-ssl.html).
        $dsn = sprintf('pgsql:host=%s;port=%s;dbname=%s;sslmode=verify-full;sslrootcert=%s;connect_timeout=5', $host, $port, $name, $ca);
    } else {
        $dsn = sprintf('mysql:host=%s;port=%s;dbname=%s;charset=utf8mb4', $host, $port, $name);
        $options[PDO::MYSQL_ATTR_SSL_CA] = $ca;
        $options[PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT] = true;
    }
    return new PDO($dsn, (string) getenv('DB_USER'), (string) getenv('DB_PASSWORD'), $options);
}
