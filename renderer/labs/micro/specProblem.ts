// What is wrong with a spec typed in the editor, in one line ('' when it compiles): its length over what the
// spec parameter takes (the view would otherwise silently keep running the built-in app), or core's parser
// and compiler error naming the spec line, or a spec whose requests cost no CPU.
import { compileText } from '../../../core/micro/compile';
import { capacityRps, specParam } from '../../../core/micro/scenario';

export function specProblem(text: string): string {
  const max = specParam.spec.maxLength;
  if (text.length > max)
    return `the spec is ${text.length.toLocaleString('en-US')} characters, over the ${max.toLocaleString('en-US')} it may have: shorten it (fewer services or shorter names)`;
  try {
    capacityRps(compileText(text).model);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}
