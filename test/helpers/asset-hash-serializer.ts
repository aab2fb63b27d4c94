/**
 * Snapshot serializer: replaces 64-hex asset hashes (ECR image tags, S3 keys, asset file names) so
 * the whole-template snapshot stays stable when files under containers/ change.
 */
module.exports = {
  test: (val: unknown) => typeof val === 'string' && /[A-Fa-f0-9]{64}/.test(val),
  serialize: (val: string) => JSON.stringify(val.replace(/[A-Fa-f0-9]{64}/g, '[ASSET_HASH]')),
};
