/**
 * Validation of CycloneDX JSON against the specification's JSON schema, with the CycloneDX library's
 * strict validator (it needs the optional ajv, ajv-formats and ajv-formats-draft2019 packages, which
 * are development dependencies: validation is a test, not a step of the command).
 */
import * as CDX from '@cyclonedx/cyclonedx-library';

/** undefined when `json` is a valid CycloneDX 1.6 document, else the validator's errors as JSON. */
export async function sbomSchemaErrors(json: string): Promise<string | undefined> {
  const errors = await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(json);
  return errors === null ? undefined : JSON.stringify(errors);
}
