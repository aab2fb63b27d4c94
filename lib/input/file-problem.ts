/** Why a file could not be read, as a few words (never its content). */
export function fileProblem(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
      return 'permission denied';
    case 'ELOOP':
      return 'a symbolic link loop';
    default:
      return err.code ?? err.message.split('\n')[0];
  }
}
