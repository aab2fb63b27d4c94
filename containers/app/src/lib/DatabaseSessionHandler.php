<?php

/**
 * PHP sessions in the app's database (MariaDB or PostgreSQL over PDO), so every task of the service
 * sees the same sessions and a replaced task loses none. Registered by lib/sessions.php when the task
 * definition names a database (DB_ENGINE); README "Sessions".
 *
 * - Table: `php_sessions`, created on first use (when a statement finds it missing), never per
 *   request. The key is the SHA-256 of the session id, so the table alone does not let anyone take
 *   over a session; the data is PHP's serialized session, as the files handler would keep it.
 * - Expiry: each write sets `expires_at` to now + session.gc_maxlifetime; an expired row is never
 *   read back, and gc() (PHP calls it on session.gc_probability / gc_divisor of the starts) deletes
 *   the expired rows.
 * - Locking, like PHP's files handler (one request per session at a time): a lock named after the
 *   hashed id, taken in read() and held until close() — MariaDB's GET_LOCK, PostgreSQL's
 *   session-level pg_advisory_lock. A request waits at most LOCK_WAIT_SECONDS for it, then the
 *   session does not start (PHP warns; the app answers an error). The server drops the lock with the
 *   connection, so a worker that dies never leaves a session locked. It serialises requests of one
 *   session across every task; it does not make concurrent writers of different sessions wait.
 *
 * Keep this file compatible with PHP 8.2 (the host's `php -l` in tests).
 */

declare(strict_types=1);

final class DatabaseSessionHandler implements SessionHandlerInterface, SessionUpdateTimestampHandlerInterface
{
    /** How long a request waits for another request of the same session to finish. */
    private const LOCK_WAIT_SECONDS = 10;

    private ?PDO $db = null;
    /** The hashed id whose lock this request holds, if any. */
    private ?string $locked = null;

    /**
     * @param Closure(): PDO $connect opens the connection (only when a request uses its session)
     * @param 'mariadb'|'postgres' $engine
     */
    public function __construct(private Closure $connect, private string $engine)
    {
    }

    public function open(string $path, string $name): bool
    {
        return true;
    }

    public function close(): bool
    {
        if ($this->locked !== null && $this->db !== null) {
            $this->unlock($this->locked);
        }
        $this->locked = null;
        $this->db = null;
        return true;
    }

    public function read(string $id): string|false
    {
        $key = self::key($id);
        $this->lock($key);
        $row = $this->query('SELECT data FROM php_sessions WHERE id = ? AND expires_at >= ?', [$key, time()])->fetchColumn();
        if ($row === false) {
            return '';
        }
        return is_resource($row) ? (string) stream_get_contents($row) : (string) $row;
    }

    public function write(string $id, string $data): bool
    {
        $upsert = $this->engine === 'postgres'
            ? 'INSERT INTO php_sessions (id, data, expires_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, expires_at = EXCLUDED.expires_at'
            : 'INSERT INTO php_sessions (id, data, expires_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE data = VALUES(data), expires_at = VALUES(expires_at)';
        $this->query($upsert, [self::key($id), $data, self::expiresAt()], [1 => PDO::PARAM_LOB]);
        return true;
    }

    public function destroy(string $id): bool
    {
        $this->query('DELETE FROM php_sessions WHERE id = ?', [self::key($id)]);
        return true;
    }

    public function gc(int $max_lifetime): int|false
    {
        return $this->query('DELETE FROM php_sessions WHERE expires_at < ?', [time()])->rowCount();
    }

    /** session.use_strict_mode: PHP accepts a client's id only if its session exists. */
    public function validateId(string $id): bool
    {
        return $this->query('SELECT 1 FROM php_sessions WHERE id = ? AND expires_at >= ?', [self::key($id), time()])->fetchColumn() !== false;
    }

    /** session.lazy_write: the data did not change, only its expiry moves. */
    public function updateTimestamp(string $id, string $data): bool
    {
        $this->query('UPDATE php_sessions SET expires_at = ? WHERE id = ?', [self::expiresAt(), self::key($id)]);
        return true;
    }

    private static function key(string $id): string
    {
        return hash('sha256', $id);
    }

    private static function expiresAt(): int
    {
        return time() + (int) ini_get('session.gc_maxlifetime');
    }

    private function db(): PDO
    {
        return $this->db ??= ($this->connect)();
    }

    /**
     * Run one statement; when the table does not exist yet (SQLSTATE 42S02 MariaDB, 42P01
     * PostgreSQL), create it and run the statement again.
     *
     * @param list<string|int> $params
     * @param array<int, int> $types PDO::PARAM_* by parameter index, where not a string/int
     */
    private function query(string $sql, array $params, array $types = []): PDOStatement
    {
        try {
            return $this->execute($sql, $params, $types);
        } catch (PDOException $e) {
            if (!in_array($e->getCode(), ['42S02', '42P01'], true)) {
                throw $e;
            }
            $this->createTable();
            return $this->execute($sql, $params, $types);
        }
    }

    /**
     * @param list<string|int> $params
     * @param array<int, int> $types
     */
    private function execute(string $sql, array $params, array $types): PDOStatement
    {
        $statement = $this->db()->prepare($sql);
        foreach ($params as $i => $value) {
            $statement->bindValue($i + 1, $value, $types[$i] ?? (is_int($value) ? PDO::PARAM_INT : PDO::PARAM_STR));
        }
        $statement->execute();
        return $statement;
    }

    private function createTable(): void
    {
        if ($this->engine === 'postgres') {
            $this->db()->exec('CREATE TABLE IF NOT EXISTS php_sessions (id CHAR(64) PRIMARY KEY, data BYTEA NOT NULL, expires_at BIGINT NOT NULL)');
            $this->db()->exec('CREATE INDEX IF NOT EXISTS php_sessions_expires_at ON php_sessions (expires_at)');
            return;
        }
        $this->db()->exec('CREATE TABLE IF NOT EXISTS php_sessions (id CHAR(64) NOT NULL PRIMARY KEY, data MEDIUMBLOB NOT NULL, expires_at BIGINT NOT NULL, INDEX php_sessions_expires_at (expires_at)) ENGINE=InnoDB');
    }

    private function lock(string $key): void
    {
        if ($this->engine === 'postgres') {
            // lock_timeout bounds the wait for an advisory lock too.
            $this->db()->exec(sprintf("SET lock_timeout = '%ds'", self::LOCK_WAIT_SECONDS));
            $this->execute('SELECT pg_advisory_lock(?)', [self::advisoryKey($key)], []);
        } else {
            $got = $this->execute('SELECT GET_LOCK(?, ?)', [self::lockName($key), self::LOCK_WAIT_SECONDS], [])->fetchColumn();
            if ((string) $got !== '1') {
                throw new RuntimeException('the session is locked by another request');
            }
        }
        $this->locked = $key;
    }

    private function unlock(string $key): void
    {
        if ($this->engine === 'postgres') {
            $this->execute('SELECT pg_advisory_unlock(?)', [self::advisoryKey($key)], []);
        } else {
            $this->execute('SELECT RELEASE_LOCK(?)', [self::lockName($key)], []);
        }
    }

    /** MariaDB's lock name (at most 64 characters). */
    private static function lockName(string $key): string
    {
        return 'php_session_' . substr($key, 0, 40);
    }

    /** PostgreSQL's advisory lock key: 60 bits of the hash, a positive bigint. */
    private static function advisoryKey(string $key): int
    {
        return (int) hexdec(substr($key, 0, 15));
    }
}
