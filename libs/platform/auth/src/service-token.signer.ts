import { createPublicKey, type KeyObject, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  SERVICE_TOKEN_ALGORITHM,
  SERVICE_TOKEN_LIFETIME_SECONDS,
  SERVICE_TOKEN_TYPE,
  serviceOfPrincipal,
  servicePrincipal,
} from './service-identity';
import { serviceKeyId, servicePrivateKey } from './service-key.parser';

/** A token is reused until this many seconds before it expires, so it never arrives just expired. */
const RENEW_BEFORE_EXPIRY_SECONDS = 60;

/** Who signs, with what key. */
export interface ServiceTokenSignerOptions {
  /** This service's name (`a-z 0-9 -`, at most 32), e.g. `migration`; tokens say `svc:<service>`. */
  readonly service: string;
  /** This service's EC P-256 private key, or its unencrypted PKCS#8 PEM (see `loadServicePrivateKey`). */
  readonly privateKey: KeyObject | string;
  /** The current time; tests set it. */
  readonly now?: () => Date;
}

interface IssuedServiceToken {
  readonly token: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/**
 * Signs the short-lived assertions by which a Ferry service proves who it is to another service (the
 * connectors service's token broker): a compact JWS, ES256, `typ` ferry-svc+jwt, `kid` = the key's
 * RFC 7638 thumbprint, `iss` = `sub` = `svc:<service>`, `aud` = the receiving service, valid for
 * 5 minutes. One token per audience is cached and reused until a minute before it expires.
 */
export class ServiceTokenSigner {
  /** The principal tokens are issued as, `svc:<service>`. */
  readonly principal: string;
  /** The `kid` in every token: the public key's RFC 7638 thumbprint. */
  readonly keyId: string;
  private readonly privateKey: KeyObject;
  private readonly now: () => Date;
  // Keyed by audience: a service calls a handful of others, so neither map needs a bound.
  private readonly issued = new Map<string, IssuedServiceToken>();
  private readonly signing = new Map<string, Promise<IssuedServiceToken>>();

  /** @throws ServiceKeyError when the key is not an EC P-256 private key; Error for a bad service name. */
  constructor(options: ServiceTokenSignerOptions) {
    this.principal = servicePrincipal(options.service);
    this.privateKey = servicePrivateKey(options.privateKey, `the signing key of service ${options.service}`);
    this.keyId = serviceKeyId(createPublicKey(this.privateKey));
    this.now = options.now ?? (() => new Date());
  }

  /**
   * A token for `audience` (`svc:<receiving service>`, e.g. `svc:connectors`): the cached one while it
   * has more than a minute left, else a fresh one. Concurrent callers share one signature.
   * @throws Error when `audience` is not a service principal.
   */
  async token(audience: string): Promise<string> {
    if (serviceOfPrincipal(audience) === undefined) {
      throw new Error('a service token audience must be svc:<service name>, e.g. svc:connectors');
    }
    const nowSeconds = epochSeconds(this.now());
    const cached = this.issued.get(audience);
    if (cached && isFresh(cached, nowSeconds)) return cached.token;
    let signing = this.signing.get(audience);
    if (!signing) {
      signing = this.sign(audience, nowSeconds).finally(() => this.signing.delete(audience));
      this.signing.set(audience, signing);
    }
    const issued = await signing;
    this.issued.set(audience, issued);
    return issued.token;
  }

  private async sign(audience: string, issuedAt: number): Promise<IssuedServiceToken> {
    const expiresAt = issuedAt + SERVICE_TOKEN_LIFETIME_SECONDS;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: SERVICE_TOKEN_ALGORITHM, typ: SERVICE_TOKEN_TYPE, kid: this.keyId })
      .setIssuer(this.principal)
      .setSubject(this.principal)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { token, issuedAt, expiresAt };
  }
}

/** Fresh: issued no later than now (a clock set back must not keep a token from the future) and not near expiry. */
function isFresh(issued: IssuedServiceToken, nowSeconds: number): boolean {
  return issued.issuedAt <= nowSeconds && nowSeconds < issued.expiresAt - RENEW_BEFORE_EXPIRY_SECONDS;
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
