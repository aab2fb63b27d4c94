/** IAM policy documents, as IAM roles and policies, KMS key policies and trust policies spell them. */
import { type Maybe, type PolicyStatement, unknownValue } from '../../model';
import { obj, str } from '../ecs-document';
import { isIntrinsic, renderText, toList } from '../../../cfn/values';
import type { Doc } from './context';

/** The statements of a policy document; `Fn::Join`/`Fn::Sub` text is rendered, other intrinsics are unknown. */
export function statements(document: unknown): PolicyStatement[] {
  return toList(policyDocument(document)?.Statement).map((s) => {
    const st = obj(s) ?? {};
    return {
      effect: str(st.Effect),
      actions: toList(st.Action).map(text),
      resources: toList(st.Resource).map(text),
      principals: principals(st.Principal),
      conditional: st.Condition !== undefined,
    };
  });
}

function text(v: unknown): Maybe<string> {
  return isIntrinsic(v) && !('Fn::Join' in v) && !('Fn::Sub' in v) ? unknownValue(v) : renderText(v);
}

/** A policy document is an object, or the same as a JSON string (CloudFormation accepts both). */
function policyDocument(document: unknown): Doc | undefined {
  if (typeof document !== 'string') return obj(document);
  try {
    return obj(JSON.parse(document));
  } catch {
    return undefined;
  }
}

/** `Principal`: `"*"`, or a map of `AWS`/`Service`/`Federated`/`CanonicalUser` to one value or a list. */
function principals(principal: unknown): Maybe<string>[] {
  if (principal === undefined || principal === null) return [];
  if (isIntrinsic(principal)) return [unknownValue(principal)];
  const map = obj(principal);
  return map ? Object.values(map).flatMap((v) => toList(v).map(text)) : [text(principal)];
}
