<?php

/**
 * Front controller. nginx sends every request here (SCRIPT_FILENAME is fixed
 * to this file), so routing happens in PHP. A fork replaces /srv/app with a
 * framework app that has its own public/index.php.
 *
 * Keep this file compatible with PHP 8.2 (the host's `php -l` in tests).
 */

declare(strict_types=1);

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

$path = parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
if (!is_string($path) || $path === '') {
    $path = '/';
}

switch ($path) {
    case '/':
        send(200, 'text/html; charset=utf-8', homePage());
        break;
    case '/healthz':
        send(200, 'text/plain; charset=utf-8', "ok\n");
        break;
    default:
        send(404, 'text/plain; charset=utf-8', "not found\n");
}
