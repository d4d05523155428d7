import { RpcErrorCode } from '@ferry/contracts';
import type { Response } from 'express';

/** How a consent or grant callback ended, as the browser is told. */
export type OnboardingOutcome = 'consent-granted' | 'delegation-granted' | 'refused' | 'expired' | 'incomplete' | 'other-browser' | 'unavailable' | 'failed';

const PAGES: Record<OnboardingOutcome, { status: number; title: string; text: string }> = {
  'consent-granted': { status: 200, title: 'Consent recorded', text: 'Ferry can now reach your Microsoft 365 tenant. You can close this window.' },
  'delegation-granted': { status: 200, title: 'Access granted', text: 'Ferry can now act for you with the access you granted. You can close this window.' },
  refused: { status: 403, title: 'Access not granted', text: 'Nothing was connected: access was declined or granted to another account than the link was made for.' },
  expired: { status: 409, title: 'Link no longer valid', text: 'This link was already used or has expired. Start again from Ferry.' },
  incomplete: { status: 400, title: 'Incomplete answer', text: 'The answer from the sign-in page was incomplete. Start again from Ferry.' },
  'other-browser': { status: 403, title: 'Different browser', text: 'Complete the grant in the browser where you started it from Ferry, or start again here.' },
  unavailable: { status: 503, title: 'Try again later', text: 'Ferry could not complete this right now. Start again from Ferry in a few minutes.' },
  failed: { status: 500, title: 'Not completed', text: 'Ferry could not complete this. Start again from Ferry; if it fails again, ask your Ferry operator.' },
};

/** What a failed completion shows: from the code only, so the service's words (and the query) never reach the page. */
export function outcomeOfFailure(code: RpcErrorCode): OnboardingOutcome {
  switch (code) {
    case RpcErrorCode.PERMISSION_DENIED:
      return 'refused';
    case RpcErrorCode.FAILED_PRECONDITION:
      return 'expired';
    case RpcErrorCode.INVALID_ARGUMENT:
      return 'incomplete';
    // The callback did not bring the browser binding of its flow.
    case RpcErrorCode.UNAUTHENTICATED:
      return 'other-browser';
    case RpcErrorCode.UNAVAILABLE:
    case RpcErrorCode.RESOURCE_EXHAUSTED:
      return 'unavailable';
    case RpcErrorCode.NOT_FOUND:
    case RpcErrorCode.ALREADY_EXISTS:
    case RpcErrorCode.INTERNAL:
    case RpcErrorCode.UNSPECIFIED:
      return 'failed';
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Answers a callback with a small fixed page: no script, no style, nothing from the request, not
 * cached, not framed, and no referrer (the address bar still holds the provider's answer).
 */
export function sendOnboardingPage(res: Response, outcome: OnboardingOutcome): void {
  const page = PAGES[outcome];
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(page.title)} - Ferry</title></head>
<body><main><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.text)}</p></main></body>
</html>
`;
  res.setHeader('content-security-policy', "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  res.setHeader('cache-control', 'no-store');
  res.setHeader('referrer-policy', 'no-referrer');
  res.status(page.status).type('html').send(html);
}
