<?php

/**
 * Front controller. nginx sends every request here (SCRIPT_FILENAME is fixed
 * to this file), so routing happens in PHP. A fork replaces /srv/app with a
 * framework app that has its own public/index.php.
 *
 * Keep this file compatible with PHP 8.2 (the host's `php -l` in tests).
 */

declare(strict_types=1);

require __DIR__ . '/../lib/sessions.php';

function send(int $status, string $contentType, string $body): void
{
    http_response_code($status);
    header('Content-Type: ' . $contentType);
    header('Cache-Control: no-store');
    echo $body;
}

function e(string $value): string
{
    return htmlspecialchars($value, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

function homePage(): string
{
    $now = new DateTimeImmutable('now', new DateTimeZone('UTC'));
    $rows = [
        'PHP version' => PHP_VERSION . ' (' . PHP_SAPI . ')',
        'Container hostname' => (string) gethostname(),
        'Client address seen by PHP (REMOTE_ADDR)' => (string) ($_SERVER['REMOTE_ADDR'] ?? 'unknown'),
        'Request' => (string) ($_SERVER['REQUEST_METHOD'] ?? '') . ' ' . (string) ($_SERVER['REQUEST_URI'] ?? ''),
        'Server time (UTC)' => $now->format('Y-m-d H:i:s'),
    ];

    $items = '';
    foreach ($rows as $label => $value) {
        $items .= '      <dt>' . e($label) . '</dt><dd>' . e($value) . "</dd>\n";
    }

    return <<<HTML
<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Simple PHP App</title>
  </head>
  <body>
    <h1>Simple PHP App</h1>
    <h2>Congratulations</h2>
    <p>Your PHP application is running in a hardened container on Amazon ECS,
    served by php-fpm through the nginx rate-limiting proxy.</p>
    <dl>
{$items}    </dl>
  </body>
</html>

HTML;
}

/**
 * A visit counter kept in the session: the smallest visible use of sessions (in the database when
 * one is configured, else in this task's /tmp). 503 when the session store cannot be reached; the
 * reason goes to the log without the connection's details.
 */
function visitsPage(string $store): array
{
    try {
        if (!session_start()) {
            throw new RuntimeException('session_start() failed');
        }
    } catch (Throwable $e) {
        error_log('session store ' . $store . ' unavailable: ' . get_class($e) . ' ' . (string) $e->getCode());
        return [503, "session store unavailable\n"];
    }
    $_SESSION['visits'] = (int) ($_SESSION['visits'] ?? 0) + 1;
    $visits = $_SESSION['visits'];
    session_write_close();
    return [200, "visits: {$visits}\nstore: {$store}\n"];
}

$sessionStore = useSessionStore();

$path = parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
if (!is_string($path) || $path === '') {
    $path = '/';
}

switch ($path) {
    case '/':
        send(200, 'text/html; charset=utf-8', homePage());
        break;
    case '/session':
        [$status, $body] = visitsPage($sessionStore);
        send($status, 'text/plain; charset=utf-8', $body);
        break;
    case '/healthz':
        send(200, 'text/plain; charset=utf-8', "ok\n");
        break;
    default:
        send(404, 'text/plain; charset=utf-8', "not found\n");
}
