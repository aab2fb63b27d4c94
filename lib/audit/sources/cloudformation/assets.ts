/** The Dockerfiles of a stack's container image assets (rules DF-*). */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { type AuditModel, emptyModel } from '../../model';
import { loadDockerfile } from '../dockerfile';
import { dockerImageAssets, readAssetManifest, type DockerImageAsset } from '../../../cdk-out/assembly';

/** Stack name from a template file name: `SecureEcsStarter.template.json` is `SecureEcsStarter`. */
export function stackNameOf(file: string): string {
  return path.basename(file).replace(/(\.template)?\.json$/, '');
}

/**
 * The Dockerfiles of a stack's container image assets. Resource id: `Stack/<asset display name>`
 * (stable, unlike the hash-named asset directory). In an assembly the asset manifests come from the
 * stack's dependencies (lib/cdk-out); a lone template is paired with the `.assets.json` beside it.
 */
export function assetDockerfiles(templateFile: string, images?: DockerImageAsset[]): AuditModel {
  const model = emptyModel();
  let assets = images;
  if (!assets) {
    const manifest = templateFile.replace(/\.template\.json$/, '.assets.json');
    if (manifest === templateFile || !existsSync(manifest)) return model;
    assets = dockerImageAssets({ assetManifests: [{ file: manifest, manifest: readAssetManifest(manifest, path.dirname(manifest)) }] });
  }
  for (const image of assets) {
    if (!image.directory) continue;
    const file = path.join(image.directory, image.source.dockerFile ?? 'Dockerfile');
    if (!existsSync(file)) continue;
    model.dockerfiles.push(...loadDockerfile(file, `${stackNameOf(templateFile)}/${image.displayName ?? image.id}`).dockerfiles);
  }
  return model;
}
