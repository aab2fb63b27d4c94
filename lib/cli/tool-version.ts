/**
 * The version `secure-ecs --version` prints and the SBOM names as its tool: package.json's, written
 * nowhere else. esbuild inlines this one field into the CLI bundle when it builds it; tsx and jest
 * read package.json at run time. Not npm_package_version: npm sets that to the version of the package
 * whose script is running, which is the user's own project when its scripts call `secure-ecs`.
 */
import { version } from '../../package.json';

export const TOOL_VERSION: string = version;
