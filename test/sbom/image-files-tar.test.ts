import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { regularFilesOfTar } from '../../lib/local/engines/image-files-tar';

/** A tar archive as `docker cp` of /var/lib/dpkg/status.d returns it, plus whatever a hostile image could put in. */
function archive(entries: { name: string; type?: 'file' | 'symlink' | 'directory'; body?: string; linkname?: string }[]) {
  const p = pack();
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname }, e.body ?? '');
  p.finalize();
  return Readable.from(p);
}

describe('regularFilesOfTar (docker cp and podman cp archives, untrusted)', () => {
  test('keeps regular files keyed by their path in the image; skips directories and symbolic links', async () => {
    const files = await regularFilesOfTar(
      archive([
        { name: 'status.d', type: 'directory' },
        { name: 'status.d/base', body: 'Package: base-files\n' },
        { name: 'status.d/link', type: 'symlink', linkname: '/etc/shadow' },
      ]),
      '/var/lib/dpkg',
      1024,
    );
    expect([...files.entries()].map(([k, v]) => [k, v.toString()])).toEqual([['/var/lib/dpkg/status.d/base', 'Package: base-files\n']]);
  });

  test('a name climbing out of the copied path stays under it', async () => {
    const files = await regularFilesOfTar(archive([{ name: '../../../etc/passwd', body: 'x' }]), '/var/lib/dpkg', 1024);
    expect([...files.keys()]).toEqual(['/var/lib/dpkg/etc/passwd']);
  });

  test('more bytes than the limit fails instead of filling memory', async () => {
    await expect(regularFilesOfTar(archive([{ name: 'status', body: 'x'.repeat(2048) }]), '/var/lib/dpkg', 1024)).rejects.toThrow('more than 1024 bytes');
  });
});
