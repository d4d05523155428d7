import { type CallerInfo, callerInfo } from '../caller';
import { Violations } from '../input-checks';

/** Bounds on the callback: a provider's redirect fits well within them, a flood does not. */
export const CALLBACK_URL_MAX = 8192;
export const BROWSER_BINDING_MAX = 128;

/**
 * A validated OIDC callback: the full URL the provider redirected to and the browser's binding cookie.
 * A missing cookie is an empty binding, refused by the use case like a wrong one (the flow is spent
 * and the refusal audited), not here as malformed input.
 */
export class CompleteSsoCommand {
  private constructor(
    readonly callbackUrl: URL,
    readonly browserBinding: string,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    callbackUrl: string;
    browserBinding: string;
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): CompleteSsoCommand {
    const violations = new Violations();
    let url: URL | null = null;
    if (input.callbackUrl.length === 0 || input.callbackUrl.length > CALLBACK_URL_MAX) {
      violations.add('callbackUrl', `1-${CALLBACK_URL_MAX} characters`);
    } else {
      url = URL.canParse(input.callbackUrl) ? new URL(input.callbackUrl) : null;
      if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:'))
        violations.add('callbackUrl', 'must be an http(s) URL');
    }
    if (input.browserBinding.length > BROWSER_BINDING_MAX) {
      violations.add('browserBinding', `at most ${BROWSER_BINDING_MAX} characters`);
    }
    violations.throwIfAny();
    return new CompleteSsoCommand(url as URL, input.browserBinding, callerInfo(input));
  }
}
